import { writeFileAtomic } from "./atomic-write.js";
import { printable } from "./printable.js";
import type { RunCounts } from "./state/store.js";
import type { FieldChange } from "./tenant.js";

/**
 * What happened to one certificate (or to one file that yielded none), or to an object no file backs: `superseded`
 * (a renewal replaced its certificate; kept) or `deleted` (pruned).
 */
export type ItemAction =
  | "created"
  | "updated"
  | "unchanged"
  | "skipped"
  | "failed"
  | "superseded"
  | "deleted";

/** One line of the report: a certificate, a file that could not be read, or an object a renewal or prune concerns. */
export interface ReportItem {
  path: string;
  sha256: string | null;
  id: string | null;
  action: ItemAction;
  /** The certificate's (or object's) subject, when known. */
  subject: string | null;
  reason: string | null;
  /** For an update: the fields that differ, old → new (by meaning); else null. */
  changes: FieldChange[] | null;
  attempts: number;
  error: { code: string; message: string } | null;
  /** For a certificate from a signed artefact: which of its signatures it came from; else null. */
  signature: ItemSignature | null;
  /** For a certificate from a file whose integrity was not verified (some PKCS#12 files): why; else null. */
  warning: string | null;
}

/** Where in a signed artefact's signatures a certificate was found, as `inspect --json` shows it. */
export interface ItemSignature {
  /** 1-based, in file order (each WIN_CERTIFICATE, then nested signatures after the one holding them). */
  index: number;
  /** The signature this one is nested in (dual signing), or null. */
  nestedIn: number | null;
  role: "signer" | "timestamp" | "chain";
  digestAlgorithm: string;
  sha1Digest: boolean;
  /** MSIX/APPX signers only: whether the subject equals the manifest's Publisher; else null. */
  publisherMatch: boolean | null;
}

/** What a run's warnings are about; each is documented in troubleshooting. */
export type WarningCode = "empty_folder" | "unmatched_include" | "unused_map_key";

/** Something about the run's input that is likely a mistake, though no certificate failed because of it. */
export interface RunWarning {
  code: WarningCode;
  message: string;
  /** The folder, pattern or map key the warning is about. */
  subject: string;
}

/** The report `--report` writes and `--json` prints; a dry run's items say what the real run would do. */
export interface Report {
  dryRun: boolean;
  summary: RunCounts;
  warnings: RunWarning[];
  items: ReportItem[];
}

/** Builds the report from the items of a run; the summary is derived, never kept separately. */
export function buildReport(
  files: number,
  items: ReportItem[],
  warnings: RunWarning[] = [],
  dryRun = false,
): Report {
  const summary: RunCounts = {
    files,
    certificates: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    skipped: 0,
    failed: 0,
    superseded: 0,
    deleted: 0,
  };
  for (const item of items) {
    if (item.sha256 !== null && item.action !== "superseded" && item.action !== "deleted") {
      summary.certificates += 1;
    }
    summary[item.action] += 1;
  }
  return { dryRun, summary, warnings, items };
}

/** Items per chunk of the report's JSON: large batches are written piecewise, never held as one string. */
const ITEMS_PER_CHUNK = 1000;

/** The report as JSON text, in chunks: one item per line, so a report of 100,000 items stays readable and small. */
export function* reportJson(report: Report): Generator<string> {
  const warnings = report.warnings.map((warning) => `\n    ${JSON.stringify(warning)}`).join(",");
  yield `{\n  "dryRun": ${report.dryRun},\n  "summary": ${JSON.stringify(report.summary)},\n  "warnings": [${warnings}${warnings ? "\n  " : ""}],\n  "items": [`;
  for (let start = 0; start < report.items.length; start += ITEMS_PER_CHUNK) {
    const lines = report.items
      .slice(start, start + ITEMS_PER_CHUNK)
      .map((item) => `\n    ${JSON.stringify(item)}`);
    yield (start === 0 ? "" : ",") + lines.join(",");
  }
  yield report.items.length > 0 ? "\n  ]\n}\n" : "]\n}\n";
}

/** Writes the report file atomically; readable by its owner only, as it lists the tenant's object ids and paths. */
export function writeReportFile(path: string, report: Report): void {
  writeFileAtomic(path, reportJson(report), 0o600);
}

/**
 * The short human summary printed without `--json`: the counts, each warning, and each failure. Failures that share
 * one message (a refused credential, an unreachable host: every certificate fails alike) show it once.
 */
export function formatSummary(report: Report, dryRun: boolean): string {
  const s = report.summary;
  const verb = dryRun ? "would be " : "";
  const lines = [
    `${s.files} file(s), ${s.certificates} certificate(s): ${s.created} ${verb}created, ${s.updated} ${verb}updated, ` +
      `${s.unchanged} unchanged, ${s.skipped} skipped, ${s.failed} failed` +
      (s.superseded > 0 ? `, ${s.superseded} object(s) superseded` : "") +
      (s.deleted > 0 ? `, ${s.deleted} object(s) ${verb}deleted` : ""),
  ];
  for (const warning of report.warnings) {
    lines.push(`  warning  ${warning.code}: ${printable(warning.message)}`);
  }
  const failed = report.items.filter((item) => item.action === "failed");
  const shared = sharedFailure(failed);
  if (shared) lines.push(`  failed   all ${failed.length}: ${shared.code}: ${printable(shared.message)}`);
  for (const item of failed) {
    const where = `${printable(item.path)}${item.sha256 ? ` (${item.sha256.slice(0, 12)})` : ""}`;
    lines.push(
      shared
        ? `  failed   ${where}`
        : `  failed   ${where}: ${item.error?.code}: ${printable(item.error?.message ?? "")}`,
    );
  }
  return lines.join("\n");
}

/** The one error every failed item has, when there are several and they all have the same. */
function sharedFailure(failed: ReportItem[]): ReportItem["error"] {
  const first = failed[0]?.error;
  if (failed.length < 2 || !first) return null;
  const same = failed.every(
    (item) => item.error?.code === first.code && item.error.message === first.message,
  );
  return same ? first : null;
}
