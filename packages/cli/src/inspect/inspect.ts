import {
  type CertificateEntry,
  createParserPool,
  DuplicateTracker,
  type ParsedFile,
} from "@intune-codesign/parser";
import { ExitCode } from "../exit-codes.js";
import { checkPathsExist } from "../options.js";
import { parseEntries } from "../parse-entries.js";
import { pfxPassword } from "../secrets.js";
import { walk } from "../walk.js";

/** The `inspect` flags. */
export interface InspectOptions {
  json: boolean;
  pfxPasswordFile?: string;
  maxFileSize: number;
  include?: string[];
  exclude?: string[];
}

/** The `inspect` command's action: results on stdout, exit 1 when any file failed. */
export async function inspectAction(paths: string[], options: InspectOptions): Promise<void> {
  checkPathsExist(paths);
  const files = await inspectPaths(paths, options);
  process.stdout.write(
    options.json ? `${JSON.stringify({ files: files.map(toJson) }, null, 2)}\n` : formatTable(files),
  );
  process.exitCode = files.some((file) => file.error) ? ExitCode.failed : ExitCode.ok;
}

/** Walks, parses on every core and marks duplicates in sorted path order. */
export async function inspectPaths(paths: string[], options: InspectOptions): Promise<ParsedFile[]> {
  const password = await pfxPassword(options.pfxPasswordFile);
  // Every file is read, so the workers start now and get ready while the walk runs.
  const pool = createParserPool();
  const entries = await walk(paths, options);
  const tracker = new DuplicateTracker();
  const files: ParsedFile[] = [];
  await parseEntries(entries, {
    parse: { password, maxFileSize: options.maxFileSize },
    pool,
    onParsed: (_entry, parsed) => {
      if ("fresh" in parsed) files.push(tracker.mark(parsed.fresh));
    },
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
