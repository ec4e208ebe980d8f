import { join } from "node:path";
import { exportLeafPkcs12, FIXTURE_PASSWORD, generateFixtures } from "@intune-codesign/testkit/fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type * as Parser from "./index.js";

// The package's parseFile, as the CLI imports it (built JavaScript; `pnpm test` builds first).
const built = new URL("../dist/index.js", import.meta.url).href;

let dir: string;
let cleanup: () => void;
beforeAll(() => {
  ({ dir, cleanup } = generateFixtures());
  exportLeafPkcs12(dir, join(dir, "slow.p12"), 1500000);
});
afterAll(() => cleanup());

describe("parseFile", () => {
  it("derives a PKCS#12's keys off the caller's thread: the event loop keeps turning meanwhile", async () => {
    const { parseFile } = (await import(built)) as typeof Parser;
    await parseFile(join(dir, "leaf.der"));
    // A timer measures the longest gap between its ticks; on the caller's thread that gap would be the whole parse.
    let last = performance.now();
    let longestGap = 0;
    let nextTick: (() => void) | undefined;
    const timer = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
      nextTick?.();
    }, 5);
    const started = performance.now();
    const file = await parseFile(join(dir, "slow.p12"), { password: FIXTURE_PASSWORD });
    const took = performance.now() - started;
    // The tick after the parse is the one that would see a stall.
    await new Promise<void>((resolve) => {
      nextTick = resolve;
    });
    clearInterval(timer);
    expect([file.error, file.certificates.length]).toEqual([null, 1]);
    expect(longestGap).toBeLessThan(took / 3);
  });
});
