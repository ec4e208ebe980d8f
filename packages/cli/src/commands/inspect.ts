import { type CertificateEntry, DuplicateTracker, type ParsedFile } from "@intune-codesign/parser";
import { Command, Option } from "commander";
import { ExitCode } from "../exit-codes.js";
import { checkPathsExist, parseSize } from "../options.js";
import { parseEntries } from "../parse-entries.js";
import { pfxPassword } from "../secrets.js";
import { walk } from "../walk.js";

interface InspectOptions {
  json: boolean;
  pfxPasswordFile?: string;
  maxFileSize: number;
  include?: string[];
  exclude?: string[];
}

/** `inspect`: what the parser makes of files, without talking to Graph. */
export function inspectCommand(): Command {
  return new Command("inspect")
    .summary("show what would be uploaded from certificate files, without contacting Graph")
    .description(
      "Reads certificate files (DER, PEM, base64, PKCS#7, PKCS#12) and shows each certificate's subject, issuer,\n" +
        "expiry and whether it would be uploaded (or why it is skipped). Folders are walked recursively, files in\n" +
        "sorted path order. Nothing is sent anywhere.",
    )
    .argument("<path...>", "certificate files or folders")
    .option("--json", "print a JSON document on stdout instead of a table", false)
    .option(
      "--pfx-password-file <file>",
      "file whose first line is the PKCS#12 password (else $INTUNE_CODESIGN_PFX_PASSWORD)",
    )
    .addOption(
      new Option("--max-file-size <size>", "files larger than this are too_large (e.g. 10MiB, 512KiB)")
        .default(10 * 1024 * 1024, "10MiB")
        .argParser(parseSize),
    )
    .option("--include <glob...>", "only files whose path relative to its folder matches")
    .option("--exclude <glob...>", "skip files whose path relative to its folder matches")
    .addHelpText(
      "after",
      "\nExit codes: 0 every file was read, 1 some file failed, 2 usage error.\n\n" +
        "Examples:\n" +
        "  intune-codesign inspect ./certs\n" +
        "  intune-codesign inspect --json --pfx-password-file ~/.pfxpass signing.pfx | jq '.files[].certificates[]'",
    )
    .action(async (paths: string[], options: InspectOptions) => {
      checkPathsExist(paths);
      const files = await inspectPaths(paths, options);
      process.stdout.write(
        options.json ? `${JSON.stringify({ files: files.map(toJson) }, null, 2)}\n` : formatTable(files),
      );
      process.exitCode = files.some((file) => file.error) ? ExitCode.failed : ExitCode.ok;
    });
}

/** Walks, parses on every core and marks duplicates in sorted path order. */
export async function inspectPaths(paths: string[], options: InspectOptions): Promise<ParsedFile[]> {
  const entries = await walk(paths, options);
  const password = pfxPassword(options.pfxPasswordFile);
  const tracker = new DuplicateTracker();
  const files: ParsedFile[] = [];
  await parseEntries(entries, { password, maxFileSize: options.maxFileSize }, (_entry, parsed) => {
    if ("fresh" in parsed) files.push(tracker.mark(parsed.fresh));
  });
  return files;
}

/** The JSON shape of `inspect --json`: everything but the DER bytes. */
function toJson(file: ParsedFile) {
  return { ...file, certificates: file.certificates.map(({ der: _der, ...rest }: CertificateEntry) => rest) };
}

function formatTable(files: ParsedFile[]): string {
  const rows: string[][] = [["PATH", "SUBJECT NAME", "EXPIRES", "UPLOAD"]];
  const errors: string[] = [];
  for (const file of files) {
    for (const certificate of file.certificates) {
      rows.push([
        file.path,
        certificate.subjectName,
        certificate.notAfter.slice(0, 10),
        certificate.upload ? "yes" : `skip: ${certificate.skipReason}`,
      ]);
    }
    if (file.error) errors.push(`${file.path}: ${file.error.code}: ${file.error.message}`);
  }
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const table = rows.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join("  ")
      .trimEnd(),
  );
  const out = rows.length > 1 ? table : ["No certificates found."];
  if (errors.length > 0) out.push("", `Errors (${errors.length}):`, ...errors.map((line) => `  ${line}`));
  return `${out.join("\n")}\n`;
}
