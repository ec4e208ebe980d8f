import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningEmulator, startEmulator } from "@intune-codesign/graph-emulator";
import { makeCertificate } from "@intune-codesign/testkit/certificates";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunStatus, runSync, type SyncSettings } from "./run.js";
import { RunLock, RunLockedError } from "./state/lock.js";
import { tenantScope } from "./tenant.js";

const CODES: Record<RunStatus, number> = {
  synced: 10,
  failed: 11,
  misconfigured: 12,
  auth_failed: 13,
  unreachable: 15,
  interrupted: 99,
  disk_full: 21,
};

let emulator: RunningEmulator;
let folder: string;

beforeAll(async () => {
  emulator = await startEmulator();
  folder = join(mkdtempSync(join(tmpdir(), "sync-run-")), "certificates");
  mkdirSync(folder);
  const signer = await makeCertificate({ subject: "CN=Sync Run Test", days: 30, ca: false });
  writeFileSync(join(folder, "signing.pem"), signer.pem);
});

afterAll(async () => {
  await emulator.close();
});

function settings(token: string): SyncSettings {
  const state = mkdtempSync(join(tmpdir(), "sync-run-state-"));
  return {
    roots: [folder],
    include: undefined,
    exclude: undefined,
    maxFileSize: 1024 * 1024,
    maxSignedFileSize: 1024 * 1024,
    pfxPassword: undefined,
    graphUrl: emulator.url,
    scope: tenantScope("global", undefined, emulator.url),
    tokenProvider: { getToken: async () => token },
    statePath: join(state, "state.db"),
    runtimeDir: state,
    reportPath: undefined,
    metricsFile: join(state, "metrics.prom"),
    mapping: null,
    dryRun: false,
    force: false,
    create: true,
    prune: null,
    allowEmpty: false,
    body: { status: "provisioned", fullDnNames: false },
    rateLimit: { limit: 100, windowMs: 20_000 },
    concurrency: 2,
    timeoutMs: 10_000,
    retries: 0,
    logger: pino({ level: "silent" }),
    progress: { start() {}, tick() {}, done() {} },
    statusCode: (status) => CODES[status],
  };
}

describe("runSync", () => {
  it("returns the report and 'synced'; the metrics file records the caller's code for it", async () => {
    const run = settings(emulator.issueToken());
    const outcome = await runSync(run);
    expect(outcome.status).toBe("synced");
    expect(outcome.report.items.map((item) => [item.action, item.reason])).toEqual([["created", null]]);
    expect(readFileSync(run.metricsFile!, "utf8")).toContain("intune_codesign_last_run_exit_code 10\n");
  });

  it("classifies a token Graph refuses as 'auth_failed', not a plain failure", async () => {
    const outcome = await runSync(settings("not-a-token"));
    expect(outcome.status).toBe("auth_failed");
    expect(outcome.report.items.map((item) => item.error?.code)).toEqual(["auth_failed"]);
  });

  it("throws RunLockedError with the holder while another run holds the lock, and touches nothing", async () => {
    const run = settings(emulator.issueToken());
    const lock = RunLock.acquire(`${run.statePath}.lock`);
    if (!(lock instanceof RunLock)) throw new Error("the lock should be free");
    try {
      const error = await runSync(run).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(RunLockedError);
      expect(error).toMatchObject({
        lockPath: `${run.statePath}.lock`,
        holder: { pid: process.pid, host: hostname(), since: expect.any(String) },
      });
      expect(existsSync(run.statePath)).toBe(false);
      expect(existsSync(run.metricsFile!)).toBe(false);
    } finally {
      lock.release();
    }
  });
});
