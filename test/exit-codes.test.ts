import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeCa, makeLeaf, type TestCertificate } from "@intune-codesign/testkit/certificates";
import { waitFor } from "@intune-codesign/testkit/wait-for";
import Database from "better-sqlite3";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { CLI, runCli } from "./helpers/cli.js";
import { Scenario } from "./helpers/scenario.js";

let certificates: TestCertificate[];

beforeAll(async () => {
  const ca = await makeCa();
  certificates = await Promise.all(
    Array.from({ length: 40 }, (_, i) => makeLeaf(ca, { subject: `C=US, O=Contoso, CN=Signer ${i}` })),
  );
});

let scenario: Scenario;
afterEach(async () => {
  await scenario?.close();
});

function writeAll(target: Scenario, count = certificates.length) {
  for (const [i, c] of certificates.slice(0, count).entries()) {
    target.write(`signer-${String(i).padStart(2, "0")}.cer`, c.der);
  }
}

/** Waits until the emulator has answered `count` write requests (the run is then mid-batch). */
function untilWrites(target: Scenario, count: number): Promise<boolean> {
  return waitFor(() => target.writeRequests() >= count, { timeoutMs: 30_000 });
}

describe("exit codes", () => {
  it("2 for usage errors, before anything is touched", async () => {
    scenario = await Scenario.start();
    const missingFolder = await runCli([
      "upload",
      "--access-token-file",
      scenario.tokenFile,
      "--state",
      scenario.state,
      "/no/such/folder",
    ]);
    expect(missingFolder.code).toBe(2);
    expect(missingFolder.stderr).toContain("no such file or folder: /no/such/folder");
    const badRate = await scenario.upload(["--rate-limit", "fast"]);
    expect(badRate.code).toBe(2);
    const unknownFlag = await scenario.upload(["--frobnicate"]);
    expect(unknownFlag.code).toBe(2);
    const plainHttpRemote = await scenario.upload(["--graph-url", "http://graph.example.com/beta"]);
    expect(plainHttpRemote.code).toBe(2);
    const noCredential = await runCli(["upload", "--state", scenario.state, scenario.certs]);
    expect(noCredential.code).toBe(2);
    expect(existsSync(scenario.state)).toBe(false);
  });

  it("0 and no stack trace when the reader of stdout stops early (`--help | head -1`)", () => {
    const result = spawnSync(
      "bash",
      ["-c", `"${process.execPath}" "${CLI}" upload --help | head -1; exit \${PIPESTATUS[0]}`],
      {
        encoding: "utf8",
      },
    );
    expect([result.status, result.stdout, result.stderr]).toEqual([
      0,
      "Usage: intune-codesign upload [options] <folder...>\n",
      "",
    ]);
  });

  it("3 when the token is refused, and nothing is written", async () => {
    scenario = await Scenario.start();
    writeAll(scenario, 2);
    writeFileSync(scenario.tokenFile, "not-a-valid-token\n");
    const result = await scenario.upload();
    expect(result.code).toBe(3);
    expect(result.report.summary.failed).toBe(2);
    expect(result.report.items.every((i) => i.error?.code === "auth_failed")).toBe(true);
    expect(scenario.writeRequests()).toBe(0);
  });

  it("5 when Microsoft cannot be reached: nothing sent, the host named, the metrics file says 5", async () => {
    scenario = await Scenario.start();
    writeAll(scenario, 2);
    const metrics = join(scenario.root, "metrics.prom");
    const result = await scenario.upload([
      "--graph-url",
      "https://graph.no-such-host.invalid/beta",
      "--metrics-file",
      metrics,
    ]);
    expect(result.code).toBe(5);
    expect(result.report.items.map((i) => i.error?.code)).toEqual(["network_error", "network_error"]);
    expect(result.report.items[0]!.error!.message).toContain(
      "could not reach graph.no-such-host.invalid: its name did not resolve (DNS)",
    );
    expect(readFileSync(metrics, "utf8")).toContain("intune_codesign_last_run_exit_code 5\n");
  });

  it("4 when another run holds the lock; the second run writes nothing", async () => {
    scenario = await Scenario.start({ faults: undefined, writeLimit: { limit: 5, windowMs: 1000 } });
    writeAll(scenario, 20);
    const first = scenario.startUpload(["--rate-limit", "5/1s"]);
    await untilWrites(scenario, 1);
    const second = await scenario.upload();
    expect(second.code).toBe(4);
    expect(second.stdout).toBe("");
    expect(second.stderr).toMatch(/another run holds the lock/);
    const firstResult = await first.done;
    expect(firstResult.code).toBe(0);
    expect(scenario.emulator.objects()).toHaveLength(20);
  });

  it("a lock left by a killed run is taken over at once, and the rerun converges without duplicates", async () => {
    scenario = await Scenario.start({ writeLimit: { limit: 10, windowMs: 1000 } });
    writeAll(scenario);
    const killed = scenario.startUpload(["--rate-limit", "10/1s"]);
    await untilWrites(scenario, 5);
    killed.child.kill("SIGKILL");
    expect((await killed.done).signal).toBe("SIGKILL");
    const started = Date.now();
    // At the emulator's own limit: throttled requests count towards it, so sending faster only slows the rerun.
    const rerun = await scenario.upload(["--rate-limit", "10/1s"]);
    expect(rerun.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(20_000);
    const objects = scenario.emulator.objects();
    expect(objects).toHaveLength(certificates.length);
    expect(new Set(objects.map((o) => o.subject)).size).toBe(certificates.length);
    const db = new Database(scenario.state, { readonly: true });
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    db.close();
  });

  it("130 on SIGTERM: requests in flight finish, state and report are written", async () => {
    scenario = await Scenario.start({ faults: undefined, writeLimit: { limit: 5, windowMs: 1000 } });
    writeAll(scenario);
    const reportFile = join(scenario.root, "report.json");
    const run = scenario.startUpload(["--rate-limit", "5/1s", "--report", reportFile]);
    await untilWrites(scenario, 3);
    run.child.kill("SIGTERM");
    const result = await run.done;
    expect(result.code).toBe(130);
    const report = JSON.parse(readFileSync(reportFile, "utf8"));
    expect(report).toEqual(JSON.parse(result.stdout));
    const created = report.items.filter((i: { action: string }) => i.action === "created").length;
    expect(created).toBe(scenario.emulator.objects().length);
    expect(created).toBeLessThan(certificates.length);
    expect(
      report.items.filter((i: { error: { code: string } | null }) => i.error?.code === "interrupted"),
    ).toHaveLength(certificates.length - created);
    // The next run sends only what the interrupted one did not.
    const writesBefore = scenario.acceptedWrites();
    const rerun = await scenario.upload(["--rate-limit", "5/1s"]);
    expect(rerun.code).toBe(0);
    expect(rerun.report.summary).toMatchObject({
      created: certificates.length - created,
      unchanged: created,
    });
    expect(scenario.acceptedWrites() - writesBefore).toBe(certificates.length - created);
  });

  it("130 on SIGTERM: writes still waiting for their rate-limit slot are not sent, though slots open in the grace", async () => {
    scenario = await Scenario.start({ faults: undefined });
    writeAll(scenario, 6);
    const reportFile = join(scenario.root, "report.json");
    // Two writes every 3 s: the next slots open well inside the 10 s grace, and nothing may use them.
    const run = scenario.startUpload(["--rate-limit", "2/3s", "--report", reportFile]);
    await untilWrites(scenario, 2);
    run.child.kill("SIGTERM");
    const result = await run.done;
    expect(result.code).toBe(130);
    expect(scenario.writeRequests()).toBe(2);
    const report = JSON.parse(readFileSync(reportFile, "utf8"));
    const byAction = (action: string) => report.items.filter((i: { action: string }) => i.action === action);
    expect(byAction("created")).toHaveLength(2);
    expect(
      report.items.filter((i: { error: { code: string } | null }) => i.error?.code === "interrupted"),
    ).toHaveLength(4);
    const rerun = await scenario.upload();
    expect(rerun.code).toBe(0);
    expect(rerun.report.summary).toMatchObject({ created: 4, unchanged: 2 });
    expect(scenario.emulator.objects()).toHaveLength(6);
  });
});
