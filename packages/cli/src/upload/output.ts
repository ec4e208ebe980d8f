import {
  formatSummary,
  printable,
  type ReportItem,
  reportJson,
  type SyncOutcome,
} from "@intune-codesign/sync";
import { writeChunks } from "../write-chunks.js";

const DAY_MS = 24 * 60 * 60 * 1000;

/** Lines of the human output written at once. */
const LINES_PER_CHUNK = 1000;

/** Results on stdout: the JSON report with `--json`, else a short summary, the plan of a dry run and expiry warnings. */
export async function printOutcome(
  outcome: SyncOutcome,
  options: { json: boolean; dryRun: boolean; warnDays: number; now?: Date },
): Promise<void> {
  if (options.json) {
    await writeChunks(process.stdout, reportJson(outcome.report));
    return;
  }
  const lines = [formatSummary(outcome.report, options.dryRun)];
  if (options.dryRun) {
    lines.push("Plan (dry run, nothing sent):");
    for (const item of outcome.report.items) lines.push(...planLines(item));
  } else {
    for (const item of outcome.report.items) {
      if (item.action === "superseded" || item.action === "deleted") lines.push(...planLines(item));
    }
  }
  const now = (options.now ?? new Date()).getTime();
  const expiring = outcome
    .expiries()
    .filter((e) => Date.parse(e.notAfter) - now <= options.warnDays * DAY_MS)
    .sort((a, b) => Date.parse(a.notAfter) - Date.parse(b.notAfter));
  if (expiring.length > 0) {
    lines.push(`Expiring within ${options.warnDays} days:`);
    for (const e of expiring)
      lines.push(`  ${e.notAfter}  ${printable(e.subject)}${e.id ? `  (${e.id})` : ""}`);
  }
  await writeChunks(process.stdout, chunksOf(lines));
}

const PLAN_VERBS: Record<ReportItem["action"], string> = {
  created: "create",
  updated: "update",
  unchanged: "unchanged",
  skipped: "skip",
  failed: "fail",
  superseded: "superseded",
  deleted: "delete",
};

/**
 * One item of the plan: what is done, to which subject and file (or object), and for an update what changes. Every
 * value from a file, a file name or the tenant goes through printable: none can move the cursor or forge a line.
 */
function planLines(item: ReportItem): string[] {
  const detail = item.reason ?? item.error?.code ?? item.id ?? "";
  const where = [item.subject, item.path].filter(Boolean).join("  ") || (item.id ?? "");
  const lines = [
    `  ${PLAN_VERBS[item.action].padEnd(10)} ${printable(where)}${detail ? `  (${printable(detail)})` : ""}`,
  ];
  for (const change of item.changes ?? []) {
    const from = change.from === null ? "(none)" : printable(change.from);
    const to = change.to === null ? "(none)" : printable(change.to);
    lines.push(`             ${change.field}: ${from} → ${to}`);
  }
  return lines;
}

function* chunksOf(lines: string[]): Generator<string> {
  for (let start = 0; start < lines.length; start += LINES_PER_CHUNK) {
    yield `${lines.slice(start, start + LINES_PER_CHUNK).join("\n")}\n`;
  }
}
