import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type RunMetrics, renderMetrics, writeMetricsFile } from "./metrics.js";

const METRICS: RunMetrics = {
  finishedAt: new Date("2026-03-01T12:00:00.999Z"),
  durationSeconds: 12.34567,
  exitCode: 1,
  counts: {
    files: 4,
    certificates: 3,
    created: 1,
    updated: 1,
    unchanged: 0,
    skipped: 0,
    failed: 1,
    superseded: 2,
    deleted: 1,
  },
  expiries: [
    {
      sha256: "ab".repeat(32),
      subject: "CN=Alpha Signing, O=Contoso, C=US",
      id: "b20d3703-3703-b20d-0337-0db203370db2",
      notAfter: "2027-11-29T22:38:25Z",
    },
    {
      sha256: "cd".repeat(32),
      subject: 'CN=Back\\slash "quoted"\nline',
      id: null,
      notAfter: "2030-01-01T00:00:00Z",
    },
  ],
};

describe("renderMetrics", () => {
  it("renders the Prometheus text format exactly", () => {
    expect(renderMetrics(METRICS)).toBe(
      [
        "# HELP intune_codesign_certificate_expiry_timestamp_seconds Expiry (notAfter) of each code-signing certificate found, as a Unix timestamp.",
        "# TYPE intune_codesign_certificate_expiry_timestamp_seconds gauge",
        `intune_codesign_certificate_expiry_timestamp_seconds{sha256="${"ab".repeat(32)}",subject="CN=Alpha Signing, O=Contoso, C=US",id="b20d3703-3703-b20d-0337-0db203370db2"} 1827527905`,
        `intune_codesign_certificate_expiry_timestamp_seconds{sha256="${"cd".repeat(32)}",subject="CN=Back\\\\slash \\"quoted\\"\\nline",id=""} 1893456000`,
        "# HELP intune_codesign_last_run_timestamp_seconds When the last run finished, as a Unix timestamp.",
        "# TYPE intune_codesign_last_run_timestamp_seconds gauge",
        "intune_codesign_last_run_timestamp_seconds 1772366400",
        "# HELP intune_codesign_last_run_duration_seconds How long the last run took.",
        "# TYPE intune_codesign_last_run_duration_seconds gauge",
        "intune_codesign_last_run_duration_seconds 12.346",
        "# HELP intune_codesign_last_run_exit_code The last run's exit code (0 = all synced).",
        "# TYPE intune_codesign_last_run_exit_code gauge",
        "intune_codesign_last_run_exit_code 1",
        "# HELP intune_codesign_last_run_files Files scanned by the last run.",
        "# TYPE intune_codesign_last_run_files gauge",
        "intune_codesign_last_run_files 4",
        "# HELP intune_codesign_last_run_certificates Certificates handled by the last run, by action.",
        "# TYPE intune_codesign_last_run_certificates gauge",
        'intune_codesign_last_run_certificates{action="created"} 1',
        'intune_codesign_last_run_certificates{action="updated"} 1',
        'intune_codesign_last_run_certificates{action="unchanged"} 0',
        'intune_codesign_last_run_certificates{action="skipped"} 0',
        'intune_codesign_last_run_certificates{action="failed"} 1',
        "# HELP intune_codesign_last_run_objects Objects no file backs that the last run found superseded by a renewal (kept) or deleted (--prune).",
        "# TYPE intune_codesign_last_run_objects gauge",
        'intune_codesign_last_run_objects{action="superseded"} 2',
        'intune_codesign_last_run_objects{action="deleted"} 1',
        "",
      ].join("\n"),
    );
  });

  it.each([
    ["a\\b", "a\\\\b"],
    ['say "hi"', 'say \\"hi\\"'],
    ["two\nlines", "two\\nlines"],
    ['\\"\n', '\\\\\\"\\n'],
    ["O=Ünïcödé, tab\there", "O=Ünïcödé, tab\there"],
  ])("escapes the label value %j as %j", (subject, escaped) => {
    const text = renderMetrics({ ...METRICS, expiries: [{ ...METRICS.expiries[0]!, subject, id: subject }] });
    expect(text).toContain(`,subject="${escaped}",id="${escaped}"} 1827527905\n`);
  });

  it("keeps the HELP and TYPE lines when there are no certificates", () => {
    const text = renderMetrics({ ...METRICS, expiries: [] });
    expect(text.split("\n").slice(0, 3)).toEqual([
      "# HELP intune_codesign_certificate_expiry_timestamp_seconds Expiry (notAfter) of each code-signing certificate found, as a Unix timestamp.",
      "# TYPE intune_codesign_certificate_expiry_timestamp_seconds gauge",
      "# HELP intune_codesign_last_run_timestamp_seconds When the last run finished, as a Unix timestamp.",
    ]);
  });
});

describe("writeMetricsFile", () => {
  it("writes the rendered text, creating the folder, leaving no temp file", () => {
    const dir = mkdtempSync(join(tmpdir(), "cli-metrics-"));
    const path = join(dir, "textfile", "intune_codesign.prom");
    writeMetricsFile(path, METRICS);
    expect(readFileSync(path, "utf8")).toBe(renderMetrics(METRICS));
    expect(readdirSync(join(dir, "textfile"))).toEqual(["intune_codesign.prom"]);
  });
});
