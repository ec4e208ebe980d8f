import { styleText } from "node:util";
import {
  printable,
  STATUS_CLASSES,
  type StatusClass,
  type StatusEntry,
  type StatusOutcome,
} from "@intune-codesign/sync";
import { writeChunks } from "../write-chunks.js";

/** Entries per chunk of output: a tenant of 100,000 objects is written piecewise, never held as one string. */
const ENTRIES_PER_CHUNK = 1000;

/** Counts per class and flag, as the JSON's `summary` and the table's last line show them. */
export function statusSummary(entries: StatusEntry[]): Record<string, number> {
  const summary: Record<string, number> = { objects: 0 };
  for (const name of STATUS_CLASSES) summary[name] = 0;
  summary.expired = 0;
  summary.expiring = 0;
  for (const e of entries) {
    summary[e.class]! += 1;
    if (e.class !== "missing") summary.objects! += 1;
    if (e.expired) summary.expired! += 1;
    if (e.expiring) summary.expiring! += 1;
  }
  return summary;
}

/** The JSON document (see the README's schema), one entry per line. */
export function* statusJson(outcome: StatusOutcome): Generator<string> {
  const head = {
    result: outcome.result,
    error: outcome.error,
    summary: statusSummary(outcome.entries),
    warnings: outcome.warnings,
    problems: outcome.problems,
  };
  const text = JSON.stringify(head, null, 2);
  yield `${text.slice(0, -2)},\n  "entries": [`;
  for (let start = 0; start < outcome.entries.length; start += ENTRIES_PER_CHUNK) {
    const lines = outcome.entries
      .slice(start, start + ENTRIES_PER_CHUNK)
      .map((entry) => `\n    ${JSON.stringify(entry)}`);
    yield (start === 0 ? "" : ",") + lines.join(",");
  }
  yield outcome.entries.length > 0 ? "\n  ]\n}\n" : "]\n}\n";
}

type Style = Parameters<typeof styleText>[0];

const CLASS_STYLES: Record<StatusClass, Style> = {
  in_sync: "green",
  drift: "yellow",
  orphan: "magenta",
  unmanaged: "gray",
  superseded: "cyan",
  duplicate: "magenta",
  missing: "red",
};

/**
 * The human table, sorted by expiry; colour only on a terminal without NO_COLOR. What the tenant, a file or a file
 * name says goes through printable: none can move the cursor or forge a line of the table.
 */
export function* statusTable(outcome: StatusOutcome, colour: boolean): Generator<string> {
  const paint = (style: Style, text: string) => (colour ? styleText(style, text) : text);
  if (outcome.error) {
    yield `the tenant could not be listed: ${outcome.error.code}: ${printable(outcome.error.message)}\n`;
    return;
  }
  const header = `${"EXPIRES".padEnd(10)}  ${"CLASS".padEnd(10)}  ${"FLAGS".padEnd(8)}  ${"ID".padEnd(36)}  SUBJECT  (FILE)`;
  let lines: string[] = [header];
  for (const e of outcome.entries) {
    const flags = e.expired
      ? paint("red", "expired ")
      : e.expiring
        ? paint("yellow", "expiring")
        : "".padEnd(8);
    const where = e.path ? `  (${printable(e.path)})` : "";
    const expires = printable((e.expirationDateTime ?? "-").slice(0, 10));
    lines.push(
      `${expires.padEnd(10)}  ${paint(CLASS_STYLES[e.class], e.class.padEnd(10))}  ` +
        `${flags}  ${printable(e.id ?? "-").padEnd(36)}  ${printable(e.subject ?? "-")}${where}`,
    );
    for (const c of e.changes ?? []) {
      const from = c.from === null ? "(none)" : printable(c.from);
      const to = c.to === null ? "(none)" : printable(c.to);
      lines.push(`${" ".repeat(12)}${c.field}: ${from} → ${to}`);
    }
    if (e.reason) lines.push(`${" ".repeat(12)}${printable(e.reason)}`);
    if (lines.length >= ENTRIES_PER_CHUNK) {
      yield `${lines.join("\n")}\n`;
      lines = [];
    }
  }
  for (const w of outcome.warnings) lines.push(`warning  ${w.code}: ${printable(w.message)}`);
  for (const p of outcome.problems) {
    lines.push(`unreadable  ${printable(p.path)}: ${p.code}: ${printable(p.message)}`);
  }
  const s = statusSummary(outcome.entries);
  lines.push(
    `${s.objects} object(s): ${STATUS_CLASSES.filter((c) => c !== "missing")
      .map((c) => `${s[c]} ${c}`)
      .join(", ")}; ${s.expired} expired, ${s.expiring} expiring; ${s.missing} certificate(s) missing`,
  );
  yield `${lines.join("\n")}\n`;
}

/** Prints the status: the JSON document with `--json`, else the table. */
export async function printStatus(outcome: StatusOutcome, options: { json: boolean }): Promise<void> {
  const colour = process.stdout.isTTY === true && !process.env.NO_COLOR;
  await writeChunks(process.stdout, options.json ? statusJson(outcome) : statusTable(outcome, colour));
}
