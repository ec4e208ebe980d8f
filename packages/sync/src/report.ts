import { writeFileAtomic } from "./atomic-write.js";
import { printable } from "./printable.js";
import type { RunCounts } from "./state/store.js";

/** What happened to one certificate (or to one file that yielded none). */
export type ItemAction = "created" | "updated" | "unchanged" | "skipped" | "failed";

/** One line of the report: a certificate, or a file that could not be read. */
export interface ReportItem {
  path: string;
  sha256: string | null;
  id: string | null;
  action: ItemAction;
  reason: string | null;
  attempts: number;
  error: { code: string; message: string } | null;
}

/** The report `--report` writes and `--json` prints. */
export interface Report {
  summary: RunCounts;
  items: ReportItem[];
}

/** Builds the report from the items of a run; the summary is derived, never kept separately. */
export function buildReport(files: number, items: ReportItem[]): Report {
  const summary: RunCounts = {
    files,
    certificates: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    skipped: 0,
    failed: 0,
  };
  for (const item of items) {
    if (item.sha256 !== null) summary.certificates += 1;
    summary[item.action] += 1;
  }
  return { summary, items };
}

/** Items per chunk of the report's JSON: large batches are written piecewise, never held as one string. */
const ITEMS_PER_CHUNK = 1000;

/** The report as JSON text, in chunks: one item per line, so a report of 100,000 items stays readable and small. */
export function* reportJson(report: Report): Generator<string> {
  yield `{\n  "summary": ${JSON.stringify(report.summary)},\n  "items": [`;
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
      `${s.unchanged} unchanged, ${s.skipped} skipped, ${s.failed} failed`,
  ];
  for (const item of report.items) {
    if (item.action === "failed") {
      lines.push(
        `  failed   ${printable(item.path)}${item.sha256 ? ` (${item.sha256.slice(0, 12)})` : ""}: ${item.error?.code}: ${printable(item.error?.message ?? "")}`,
      );
    }
  }
  return lines.join("\n");
}
