import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { makeCa, makeLeaf, type TestCertificate } from "@intune-codesign/testkit/certificates";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { runCli, startCli } from "./helpers/cli.js";
import { Scenario } from "./helpers/scenario.js";

let certificates: TestCertificate[];
let scenario: Scenario;

beforeAll(async () => {
  const ca = await makeCa();
  certificates = await Promise.all(
    Array.from({ length: 3 }, (_, i) => makeLeaf(ca, { subject: `C=US, O=Contoso, CN=Locked ${i}` })),
  );
});
afterEach(async () => {
  await scenario?.close();
});

/** Starts a run that holds its locks for a long time (one write per minute), and waits until it is writing. */
async function startHoldingRun(extra: string[], env: Record<string, string>) {
  for (const [i, c] of certificates.entries()) scenario.write(`c${i}.cer`, c.der);
  const first = scenario.startUpload(["--rate-limit", "1/60s", ...extra], env);
  const deadline = Date.now() + 30_000;
  while (scenario.writeRequests() < 1) {
    if (Date.now() > deadline) throw new Error("the first run never started writing");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return first;
}

describe("two runs against one tenant (issue 17 row 2)", () => {
  it("a second run through a symlink to the same state store gets exit 4 naming the first", async () => {
    scenario = await Scenario.start({ faults: undefined });
    const first = await startHoldingRun([], {});
    const linkFolder = join(scenario.root, "elsewhere");
    mkdirSync(linkFolder);
    mkdirSync(join(scenario.root, "state"), { recursive: true });
    const linked = join(linkFolder, "linked.db");
    symlinkSync(scenario.state, linked);
    const second = await scenario.upload(["--state", linked]);
    expect(second.code).toBe(4);
    expect(second.stderr).toContain(
      `another run holds the lock ${scenario.state}.lock (pid ${first.child.pid} `,
    );
    first.child.kill("SIGTERM");
    expect((await first.done).code).toBe(130);
    expect(scenario.writeRequests()).toBe(1);
  }, 60_000);

  it("a second run with another XDG_STATE_HOME but the same runtime folder gets exit 4 naming the first", async () => {
    scenario = await Scenario.start({ faults: undefined });
    const runtime = join(scenario.root, "run-user");
    mkdirSync(runtime, { mode: 0o700 });
    const stateA = join(scenario.root, "a");
    const stateB = join(scenario.root, "b");
    const args = [
      "upload",
      "--graph-url",
      scenario.emulator.url,
      "--access-token-file",
      scenario.tokenFile,
      "--tenant-id",
      "contoso.onmicrosoft.com",
      "--json",
      scenario.certs,
    ];
    for (const [i, c] of certificates.entries()) scenario.write(`c${i}.cer`, c.der);
    const first = startCli([...args, "--rate-limit", "1/60s"], {
      XDG_STATE_HOME: stateA,
      XDG_RUNTIME_DIR: runtime,
    });
    const deadline = Date.now() + 30_000;
    while (scenario.writeRequests() < 1) {
      if (Date.now() > deadline) throw new Error("the first run never started writing");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const second = await runCli(args, { XDG_STATE_HOME: stateB, XDG_RUNTIME_DIR: runtime });
    expect(second.code).toBe(4);
    expect(second.stderr).toContain("another run is syncing this tenant; its lock is ");
    expect(second.stderr).toContain(`(pid ${first.child.pid} on `);
    expect(second.stderr).toContain(`, state store ${join(stateA, "intune-codesign", "state.db")})`);
    first.child.kill("SIGTERM");
    expect((await first.done).code).toBe(130);
    expect(scenario.writeRequests()).toBe(1);
  }, 60_000);
});
