import { writeFileAtomic } from "./atomic-write.js";
import type { RunCounts } from "./state/store.js";

/** A certificate's expiry, exported so alerts can fire before it lapses. */
export interface ExpiryMetric {
  sha256: string;
  subject: string;
  id: string | null;
  notAfter: string;
}

export interface RunMetrics {
  finishedAt: Date;
  durationSeconds: number;
  exitCode: number;
  counts: RunCounts;
  expiries: ExpiryMetric[];
}

/** Escapes a Prometheus label value: backslash, double quote and line feed. */
function label(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** Renders the Prometheus text exposition format for node_exporter's textfile collector. */
export function renderMetrics(metrics: RunMetrics): string {
  const lines: string[] = [];
  const gauge = (name: string, help: string, samples: Array<[string, number]>) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`);
  };
  gauge(
    "intune_codesign_certificate_expiry_timestamp_seconds",
    "Expiry (notAfter) of each code-signing certificate found, as a Unix timestamp.",
    metrics.expiries.map((e) => [
      `{sha256="${e.sha256}",subject="${label(e.subject)}",id="${label(e.id ?? "")}"}`,
      Math.floor(Date.parse(e.notAfter) / 1000),
    ]),
  );
  gauge("intune_codesign_last_run_timestamp_seconds", "When the last run finished, as a Unix timestamp.", [
    ["", Math.floor(metrics.finishedAt.getTime() / 1000)],
  ]);
  gauge("intune_codesign_last_run_duration_seconds", "How long the last run took.", [
    ["", Number(metrics.durationSeconds.toFixed(3))],
  ]);
  gauge("intune_codesign_last_run_exit_code", "The last run's exit code (0 = all synced).", [
    ["", metrics.exitCode],
  ]);
  gauge("intune_codesign_last_run_files", "Files scanned by the last run.", [["", metrics.counts.files]]);
  gauge(
    "intune_codesign_last_run_certificates",
    "Certificates handled by the last run, by action.",
    (["created", "updated", "unchanged", "skipped", "failed"] as const).map((action) => [
      `{action="${action}"}`,
      metrics.counts[action],
    ]),
  );
  gauge(
    "intune_codesign_last_run_objects",
    "Objects no file backs that the last run found superseded by a renewal (kept) or deleted (--prune).",
    (["superseded", "deleted"] as const).map((action) => [`{action="${action}"}`, metrics.counts[action]]),
  );
  return `${lines.join("\n")}\n`;
}

/** Writes the metrics file atomically, so node_exporter never reads half of it; world-readable, as it runs as its own user. */
export function writeMetricsFile(path: string, metrics: RunMetrics): void {
  writeFileAtomic(path, renderMetrics(metrics), 0o644);
}
