import { type CertificateEntry, DuplicateTracker, type ParsedFile } from "@intune-codesign/parser";
import { parseEntries, walk } from "@intune-codesign/sync/files";
import { printable } from "@intune-codesign/sync/printable";
import { ExitCode } from "../exit-codes.js";
import { checkPathsExist } from "../options.js";
import { takeParserPool } from "../prestart.js";
import { pfxPassword } from "../secrets.js";
import { flagSource, fromSettingAsync, type SettingSource } from "../setting-source.js";
import { writeChunks } from "../write-chunks.js";

/** The `inspect` flags. */
export interface InspectOptions {
  json: boolean;
  pfxPasswordFile?: string | string[];
  maxFileSize: number;
  maxSignedFileSize: number;
  include?: string[];
  exclude?: string[];
}

/** A file as `inspect` shows it: everything the parser found but the DER bytes. */
export type InspectedFile = Omit<ParsedFile, "certificates"> & {
  certificates: Omit<CertificateEntry, "der">[];
};

/** The `inspect` command's action: results on stdout, exit 1 when any file failed. */
export async function inspectAction(
  paths: string[],
  options: InspectOptions,
  source: SettingSource = flagSource,
): Promise<void> {
  checkPathsExist(paths);
  const password = await fromSettingAsync(source, "pfxPasswordFile", () =>
    pfxPassword(options.pfxPasswordFile),
  );
  const files = await inspectPaths(paths, options, password);
  await writeChunks(process.stdout, options.json ? inspectJson(files) : [formatTable(files)]);
  process.exitCode = files.some((file) => file.error) ? ExitCode.failed : ExitCode.ok;
}

/** Walks, parses on every core and marks duplicates in sorted path order; the DER bytes are not kept. */
async function inspectPaths(
  paths: string[],
  options: InspectOptions,
  password: string[] | string | undefined,
): Promise<InspectedFile[]> {
  // Every file is read: the workers, started as the CLI loaded (prestart.ts), get ready while the walk runs.
  const pool = takeParserPool();
  const entries = await walk(paths, options).catch(async (error: unknown) => {
    await (await pool).close();
    throw error;
  });
  const tracker = new DuplicateTracker();
  const files: InspectedFile[] = [];
  await parseEntries(entries, {
    parse: { password, maxFileSize: options.maxFileSize, maxSignedFileSize: options.maxSignedFileSize },
    pool: await pool,
    onParsed: (_entry, parsed) => {
      if ("fresh" in parsed) files.push(withoutDer(tracker.mark(parsed.fresh)));
    },
  });
  return files;
}

function withoutDer(file: ParsedFile): InspectedFile {
  return { ...file, certificates: file.certificates.map(({ der: _der, ...rest }: CertificateEntry) => rest) };
}

/**
 * `inspect --json`: the text of `JSON.stringify({ files }, null, 2)`, made a file at a time, so that a folder of
 * 100,000 files is never one string.
 */
export function* inspectJson(files: InspectedFile[]): Generator<string> {
  if (files.length === 0) {
    yield '{\n  "files": []\n}\n';
    return;
  }
  yield '{\n  "files": [';
  for (const [index, file] of files.entries()) {
    yield `${index === 0 ? "" : ","}\n    ${JSON.stringify(file, null, 2).replace(/\n/g, "\n    ")}`;
  }
  yield "\n  ]\n}\n";
}

function formatTable(files: InspectedFile[]): string {
  const rows: string[][] = [["PATH", "SUBJECT NAME", "EXPIRES", "UPLOAD"]];
  const errors: string[] = [];
  for (const file of files) {
    for (const certificate of file.certificates) {
      rows.push([
        printable(file.path),
        printable(certificate.subjectName),
        certificate.notAfter.slice(0, 10),
        certificate.upload ? "yes" : `skip: ${certificate.skipReason}`,
      ]);
    }
    if (file.error)
      errors.push(`${printable(file.path)}: ${file.error.code}: ${printable(file.error.message)}`);
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
