import { formatSummary, printable, reportJson, type SyncOutcome } from "@intune-codesign/sync";
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
    for (const item of outcome.report.items) {
      const verb = {
        created: "create",
        updated: "update",
        unchanged: "unchanged",
        skipped: "skip",
        failed: "fail",
      }[item.action];
      const detail = item.reason ?? item.error?.code ?? item.id ?? "";
      lines.push(`  ${verb.padEnd(9)} ${printable(item.path)}${detail ? `  (${printable(detail)})` : ""}`);
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

function* chunksOf(lines: string[]): Generator<string> {
  for (let start = 0; start < lines.length; start += LINES_PER_CHUNK) {
    yield `${lines.slice(start, start + LINES_PER_CHUNK).join("\n")}\n`;
  }
}
