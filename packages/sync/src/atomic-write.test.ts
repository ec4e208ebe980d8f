import {
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeFileAtomic } from "./atomic-write.js";
import { writeMetricsFile } from "./metrics.js";
import { buildReport, writeReportFile } from "./report.js";

const folder = () => mkdtempSync(join(tmpdir(), "sync-atomic-"));

describe("writeFileAtomic", () => {
  it("creates the folder, replaces the content and leaves no temporary file", () => {
    const dir = folder();
    const path = join(dir, "out", "report.json");
    writeFileAtomic(path, "first\n", 0o600);
    writeFileAtomic(path, ["sec", "ond\n"], 0o600);
    expect(readFileSync(path, "utf8")).toBe("second\n");
    expect(readdirSync(join(dir, "out"))).toEqual(["report.json"]);
  });

  it("gives the file its mode whatever the umask: 0600 for the report, 0644 for metrics", () => {
    const dir = folder();
    const umask = process.umask(0o077);
    try {
      writeReportFile(join(dir, "report.json"), buildReport(0, []));
      writeMetricsFile(join(dir, "metrics.prom"), {
        finishedAt: new Date(0),
        durationSeconds: 0,
        exitCode: 0,
        counts: buildReport(0, []).summary,
        expiries: [],
      });
    } finally {
      process.umask(umask);
    }
    expect(statSync(join(dir, "report.json")).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "metrics.prom")).mode & 0o777).toBe(0o644);
  });

  it("never writes through a symlink planted at the name the old scheme used (<path>.<pid>.tmp)", () => {
    const dir = folder();
    const victim = join(dir, "victim");
    writeFileSync(victim, "untouched\n", { mode: 0o644 });
    const targets = [join(dir, "report.json"), join(dir, "metrics.prom")];
    const planted = targets.map((target) => `${target}.${process.pid}.tmp`);
    for (const link of planted) symlinkSync(victim, link);

    writeReportFile(targets[0]!, buildReport(0, []));
    writeFileAtomic(targets[1]!, "metrics\n", 0o644);

    expect(readFileSync(victim, "utf8")).toBe("untouched\n");
    expect(statSync(victim).mode & 0o777).toBe(0o644);
    for (const link of planted) {
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      expect(readlinkSync(link)).toBe(victim);
    }
    expect(readFileSync(targets[0]!, "utf8")).toContain('"summary"');
    expect(readFileSync(targets[1]!, "utf8")).toBe("metrics\n");
    expect(readdirSync(dir).sort()).toEqual(
      ["metrics.prom", "report.json", "victim", ...planted.map((p) => p.slice(dir.length + 1))].sort(),
    );
  });
});
