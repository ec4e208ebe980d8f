import { writeFileAtomic } from "./atomic-write.js";
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
}

/** The report `--report` writes and `--json` prints; a dry run's items say what the real run would do. */
export interface Report {
  dryRun: boolean;
  summary: RunCounts;
  items: ReportItem[];
}

/** Builds the report from the items of a run; the summary is derived, never kept separately. */
export function buildReport(files: number, items: ReportItem[], dryRun: boolean): Report {
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
  return { dryRun, summary, items };
}

/** Items per chunk of the report's JSON: large batches are written piecewise, never held as one string. */
const ITEMS_PER_CHUNK = 1000;

/** The report as JSON text, in chunks: one item per line, so a report of 100,000 items stays readable and small. */
export function* reportJson(report: Report): Generator<string> {
  yield `{\n  "dryRun": ${report.dryRun},\n  "summary": ${JSON.stringify(report.summary)},\n  "items": [`;
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

/** The short human summary printed without `--json`. */
export function formatSummary(report: Report, dryRun: boolean): string {
  const s = report.summary;
  const verb = dryRun ? "would be " : "";
  const lines = [
    `${s.files} file(s), ${s.certificates} certificate(s): ${s.created} ${verb}created, ${s.updated} ${verb}updated, ` +
      `${s.unchanged} unchanged, ${s.skipped} skipped, ${s.failed} failed` +
      (s.superseded > 0 ? `, ${s.superseded} object(s) superseded` : "") +
      (s.deleted > 0 ? `, ${s.deleted} object(s) ${verb}deleted` : ""),
  ];
  for (const item of report.items) {
    if (item.action === "failed") {
      lines.push(
        `  failed   ${item.path}${item.sha256 ? ` (${item.sha256.slice(0, 12)})` : ""}: ${item.error?.code}: ${item.error?.message}`,
      );
    }
  }
  return lines.join("\n");
}
