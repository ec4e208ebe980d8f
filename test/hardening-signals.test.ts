import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { makeCa, makeLeaf } from "@intune-codesign/testkit/certificates";
import { afterEach, describe, expect, it } from "vitest";
import { writeCostlyFiles } from "./helpers/costly-files.mjs";
import { Scenario } from "./helpers/scenario.js";

let scenario: Scenario;
afterEach(async () => {
  await scenario?.close();
});

/** Polls until `check` holds, or fails after `ms`. */
async function until(check: () => boolean, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The README's promise: exit 130 within the grace period after SIGINT/SIGTERM, in every phase. */
const GRACE_MS = 10_000;

describe("a signal while workers parse costly files (issue 17 row 4)", () => {
  it("SIGTERM: exit 130 within the grace period, workers terminated, the report written", async () => {
    scenario = await Scenario.start({ faults: undefined });
    await writeCostlyFiles(scenario.certs, 2);
    scenario.write("zz-good.cer", (await makeLeaf(await makeCa(), { subject: "CN=Good" })).der);
    const report = join(scenario.root, "report.json");
    const run = scenario.startUpload(["--dry-run", "--report", report]);
    let stderr = "";
    run.child.stderr!.on("data", (chunk) => {
      stderr += chunk;
    });
    // The walk is done and the workers have the costly files.
    await until(() => stderr.includes('"msg":"files found"'));
    const signalled = performance.now();
    run.child.kill("SIGTERM");
    const result = await run.done;
    const ms = performance.now() - signalled;
    expect(result.code).toBe(130);
    expect(ms).toBeLessThan(GRACE_MS);
    expect(existsSync(report)).toBe(true);
    expect(JSON.parse(readFileSync(report, "utf8")).summary.files).toBe(4);
    expect(scenario.writeRequests()).toBe(0);
  }, 120_000);
});

describe("a second signal (issue 17 row 4)", () => {
  it("ends the run at once, not after the grace period, still writing the report of what it did", async () => {
    scenario = await Scenario.start({ faults: undefined });
    const ca = await makeCa();
    for (let i = 0; i < 3; i++) {
      scenario.write(`c${i}.cer`, (await makeLeaf(ca, { subject: `CN=Second signal ${i}` })).der);
    }
    const report = join(scenario.root, "report.json");
    // One write every 2 s; once the first is accepted, Graph answers after 30 s: the second write is then a
    // request in flight, which the grace period would wait for.
    const run = scenario.startUpload(["--report", report, "--rate-limit", "1/2s", "--concurrency", "1"]);
    let stderr = "";
    run.child.stderr!.on("data", (chunk) => {
      stderr += chunk;
    });
    await until(() => scenario.acceptedWrites() === 1);
    scenario.emulator.setFaults({ rate: 1, kinds: ["latency"], latencyMs: 30_000 });
    await until(() => scenario.emulator.inFlight() === 1);
    run.child.kill("SIGTERM");
    await until(() => stderr.includes("stopping: no new work"));
    const signalled = performance.now();
    run.child.kill("SIGINT");
    const result = await run.done;
    expect(result.code).toBe(130);
    expect(performance.now() - signalled).toBeLessThan(2_000);
    const items = JSON.parse(readFileSync(report, "utf8")).items as Array<{ action: string }>;
    expect(items.map((item) => item.action).sort()).toEqual(["created", "failed", "failed"]);
  }, 60_000);
});
