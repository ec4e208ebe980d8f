import { mkdtempSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RENAME_RETRY_DELAYS_MS, renameReplacing } from "./rename-replacing.js";

/** A real rename that first fails `failures` times with `code`, as Windows does while another process holds the target. */
function heldFor(failures: number, code: string) {
  const calls: string[] = [];
  const rename = (from: string, to: string) => {
    calls.push(to);
    if (calls.length <= failures) {
      throw Object.assign(new Error(`${code}: resource busy or locked, rename '${from}' -> '${to}'`), {
        code,
      });
    }
    renameSync(from, to);
  };
  return { rename, calls };
}

function files() {
  const dir = mkdtempSync(join(tmpdir(), "sync-rename-"));
  const from = join(dir, ".metrics.prom.tmp");
  const to = join(dir, "metrics.prom");
  writeFileSync(from, "new\n");
  writeFileSync(to, "old\n");
  return { dir, from, to };
}

describe("renameReplacing", () => {
  it("on Windows, retries while the target is held (EBUSY twice), pausing 25 then 50 ms, and replaces it", () => {
    const { dir, from, to } = files();
    const { rename, calls } = heldFor(2, "EBUSY");
    const pauses: number[] = [];
    renameReplacing(from, to, { rename, platform: "win32", pause: (ms) => pauses.push(ms) });
    expect(calls).toEqual([to, to, to]);
    expect(pauses).toEqual([25, 50]);
    expect(readFileSync(to, "utf8")).toBe("new\n");
    expect(readdirSync(dir)).toEqual(["metrics.prom"]);
  });

  it.each(["EPERM", "EACCES"])("on Windows, retries %s too", (code) => {
    const { from, to } = files();
    const { rename, calls } = heldFor(1, code);
    renameReplacing(from, to, { rename, platform: "win32", pause: () => undefined });
    expect(calls).toHaveLength(2);
    expect(readFileSync(to, "utf8")).toBe("new\n");
  });

  it("on Windows, gives up after the bounded backoff (about 0.8 s) with the last error, the target untouched", () => {
    const { from, to } = files();
    const { rename, calls } = heldFor(Number.POSITIVE_INFINITY, "EBUSY");
    const pauses: number[] = [];
    expect(() =>
      renameReplacing(from, to, { rename, platform: "win32", pause: (ms) => pauses.push(ms) }),
    ).toThrow(expect.objectContaining({ code: "EBUSY" }));
    expect(pauses).toEqual([...RENAME_RETRY_DELAYS_MS]);
    expect(pauses.reduce((a, b) => a + b, 0)).toBe(775);
    expect(calls).toHaveLength(RENAME_RETRY_DELAYS_MS.length + 1);
    expect(readFileSync(to, "utf8")).toBe("old\n");
  });

  it("elsewhere, and on Windows for other codes, fails at once: the cause is lasting", () => {
    for (const [platform, code] of [
      ["linux", "EBUSY"],
      ["darwin", "EACCES"],
      ["win32", "ENOENT"],
    ] as const) {
      const { from, to } = files();
      const { rename, calls } = heldFor(1, code);
      const pauses: number[] = [];
      expect(() => renameReplacing(from, to, { rename, platform, pause: (ms) => pauses.push(ms) })).toThrow(
        expect.objectContaining({ code }),
      );
      expect([calls.length, pauses]).toEqual([1, []]);
    }
  });

  it("pauses for real by default, bounded: two EBUSY cost about 75 ms", () => {
    const { from, to } = files();
    const { rename } = heldFor(2, "EBUSY");
    const started = performance.now();
    renameReplacing(from, to, { rename, platform: "win32" });
    expect(performance.now() - started).toBeGreaterThanOrEqual(70);
    expect(readFileSync(to, "utf8")).toBe("new\n");
  });
});
