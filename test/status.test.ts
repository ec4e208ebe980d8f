import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeCa, makeLeaf, sha256Of, type TestCertificate } from "@intune-codesign/testkit/certificates";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RunLock } from "../packages/sync/src/state/lock.js";
import { runCli } from "./helpers/cli.js";
import { cn, listedAs, type StatusEntry, status } from "./helpers/reconcile.js";
import { Scenario } from "./helpers/scenario.js";

let scenario: Scenario;
let alpha: TestCertificate;
let soon: TestCertificate;
let drifted: TestCertificate;
let gone: TestCertificate;
let renewedOld: TestCertificate;
let renewedNew: TestCertificate;
let missing: TestCertificate;
let someoneElse: TestCertificate;

/** Runs in the state store's journal. */
function runsRecorded(): number {
  const db = new Database(scenario.state, { readonly: true });
  try {
    return (db.prepare("SELECT count(*) AS n FROM runs").get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/**
 * One tenant with every class: uploaded certificates (in sync, one expiring soon), one whose file is gone (orphan),
 * one renewed in its file (superseded), a copy of one (duplicate), an object seeded with another status (drift), a
 * stranger's expired object (unmanaged), and a certificate added after the last upload (missing).
 */
beforeAll(async () => {
  const ca = await makeCa();
  const leaf = (name: string, days = 365) => makeLeaf(ca, { subject: `C=US, O=Contoso, CN=${name}`, days });
  alpha = await leaf("Alpha Signing");
  soon = await leaf("Soon Signing", 10);
  drifted = await leaf("Drift Signing");
  gone = await leaf("Gone Signing");
  renewedOld = await leaf("Renewed Signing", 100);
  renewedNew = await leaf("Renewed Signing", 400);
  missing = await leaf("Missing Signing");
  someoneElse = await makeLeaf(ca, { subject: "C=US, O=Other, CN=Someone Else", days: -5 });

  scenario = await Scenario.start();
  scenario.write("alpha.cer", alpha.der);
  scenario.write("soon.pem", soon.pem);
  const gonePath = scenario.write("gone.cer", gone.der);
  scenario.write("team/renewed.cer", renewedOld.der);
  expect((await scenario.upload()).code).toBe(0);
  rmSync(gonePath);
  scenario.write("team/renewed.cer", renewedNew.der);
  const renewal = await scenario.upload();
  expect(renewal.code).toBe(0);
  expect(renewal.report.summary).toMatchObject({ created: 1, unchanged: 2, superseded: 1 });

  scenario.write("drift.cer", drifted.der);
  scenario.write("missing.cer", missing.der);
  scenario.emulator.seed([
    listedAs(drifted, { status: "notProvisioned" }),
    listedAs(alpha),
    listedAs(someoneElse, { subject: "CN=Someone Else, O=Other, C=US" }),
  ]);
}, 60_000);

afterAll(async () => {
  await scenario?.close();
});

/** An entry reduced to what a class test compares. */
function summaryOf(e: StatusEntry) {
  const flag = e.expired ? "expired" : e.expiring ? "expiring" : "";
  return [e.subject?.match(/CN=([^,]+)/)?.[1] ?? null, e.class, flag];
}

describe("status", () => {
  it("lists every object once with its class and flags, and each certificate without an object as missing", async () => {
    const requestsBefore = scenario.emulator.requests().length;
    const runsBefore = runsRecorded();
    const { code, document } = await status(scenario, ["--json"]);
    expect(code).toBe(0);
    const entries = document!.entries;
    // Each object of the tenant exactly once; the missing certificate has no id.
    const ids = entries.flatMap((e) => (e.id ? [e.id] : []));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(
      scenario.emulator
        .objects()
        .map((o) => o.id)
        .sort(),
    );
    const byClass = (name: string) => entries.filter((e) => e.class === name).map(summaryOf);
    expect(byClass("in_sync")).toEqual([
      [cn(soon), "in_sync", "expiring"],
      [cn(alpha), "in_sync", ""],
      [cn(renewedNew), "in_sync", ""],
    ]);
    expect(byClass("unmanaged")).toEqual([[cn(someoneElse), "unmanaged", "expired"]]);
    expect(byClass("orphan")).toEqual([[cn(gone), "orphan", ""]]);
    expect(byClass("duplicate")).toEqual([[cn(alpha), "duplicate", ""]]);
    expect(byClass("missing")).toEqual([[cn(missing), "missing", ""]]);
    const superseded = entries.find((e) => e.class === "superseded")!;
    expect(superseded).toMatchObject({
      subject: `CN=${cn(renewedOld)}, O=Contoso, C=US`,
      expirationDateTime: expect.stringContaining(renewedOld.certificate.notAfter.toISOString().slice(0, 19)),
      sha256: sha256Of(renewedOld),
      reason: `renewed by ${sha256Of(renewedNew)} in ${join(scenario.certs, "team/renewed.cer")}`,
    });
    expect(entries.find((e) => e.class === "drift")).toMatchObject({
      path: join(scenario.certs, "drift.cer"),
      sha256: sha256Of(drifted),
      changes: [{ field: "status", from: "notProvisioned", to: "provisioned" }],
    });
    expect(entries.find((e) => e.class === "missing")).toMatchObject({
      id: null,
      path: join(scenario.certs, "missing.cer"),
      sha256: sha256Of(missing),
      reason: "no_object",
    });
    // Sorted by expiry, soonest first.
    const expiries = entries.map((e) => Date.parse(e.expirationDateTime!));
    expect(expiries).toEqual([...expiries].sort((a, b) => a - b));
    expect(document!.summary).toEqual({
      objects: 8,
      in_sync: 3,
      drift: 1,
      orphan: 1,
      unmanaged: 1,
      superseded: 1,
      duplicate: 1,
      missing: 1,
      expired: 1,
      expiring: 1,
    });
    // Read-only: nothing but reads reached Graph, and no run was recorded.
    expect(
      scenario.emulator
        .requests()
        .slice(requestsBefore)
        .every((r) => r.method === "GET"),
    ).toBe(true);
    expect(runsRecorded()).toBe(runsBefore);
  });

  it.each([
    "in_sync",
    "drift",
    "orphan",
    "unmanaged",
    "superseded",
    "duplicate",
    "missing",
    "expired",
    "expiring",
  ])("--fail-on %s exits 1 when it occurs", async (name) => {
    const { code } = await status(scenario, ["--fail-on", `${name}`]);
    expect(code).toBe(1);
  });

  it("--fail-on of classes that do not occur exits 0; an unknown class is a usage error", async () => {
    const clean = await status(
      scenario,
      ["--fail-on", "drift,missing,orphan"],
      [join(scenario.certs, "soon.pem")],
    );
    // Without the other files, their objects are orphans: only --fail-on classes absent here pass.
    expect(clean.code).toBe(1);
    const absent = await status(scenario, ["--fail-on", "drift,missing"], [join(scenario.certs, "soon.pem")]);
    expect(absent.code).toBe(0);
    const unknown = await status(scenario, ["--fail-on", "drifted"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("expected a comma-separated list of in_sync, drift");
  });

  it("prints a table sorted by expiry, without colour off a terminal, with drift's fields old → new", async () => {
    const { code, stdout } = await status(scenario);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^EXPIRES\s+CLASS\s+FLAGS\s+ID\s+SUBJECT {2}\(FILE\)$/);
    expect(lines[1]).toMatch(/ unmanaged +expired +[0-9a-f-]{36} {2}CN=Someone Else, O=Other, C=US$/);
    expect(stdout).toContain("status: notProvisioned → provisioned");
    expect(stdout).not.toContain("\u001b[");
    expect(lines.at(-1)).toBe(
      "8 object(s): 3 in_sync, 1 drift, 1 orphan, 1 unmanaged, 1 superseded, 1 duplicate; 1 expired, 1 expiring; 1 certificate(s) missing",
    );
  });

  it("without folders, classifies the tenant from the state store alone", async () => {
    const { code, document } = await status(scenario, ["--json"], []);
    expect(code).toBe(0);
    expect(document!.entries.map(summaryOf).sort()).toEqual(
      [
        [cn(someoneElse), "unmanaged", "expired"],
        [cn(soon), "in_sync", "expiring"],
        [cn(renewedOld), "superseded", ""],
        [cn(alpha), "in_sync", ""],
        [cn(alpha), "duplicate", ""],
        // The store knows what it wrote, not which files are gone, nor the drift object it never wrote.
        [cn(gone), "in_sync", ""],
        [cn(drifted), "unmanaged", ""],
        [cn(renewedNew), "in_sync", ""],
      ].sort(),
    );
  });

  it("neither waits for nor breaks a run holding the lock", async () => {
    const lock = RunLock.acquire(`${scenario.state}.lock`);
    if (!(lock instanceof RunLock)) throw new Error("the lock should be free");
    try {
      const { code, document } = await status(scenario, ["--json"]);
      expect(code).toBe(0);
      expect(document!.summary.objects).toBe(8);
    } finally {
      lock.release();
    }
  });

  it("a tenant that cannot be listed exits 3 on refused authentication", async () => {
    const result = await runWithToken("not-the-token");
    expect(result.code).toBe(3);
  });
});

function runWithToken(token: string) {
  const file = join(scenario.root, "bad-token");
  writeFileSync(file, `${token}\n`);
  return runCli([
    "status",
    "--graph-url",
    scenario.emulator.url,
    "--access-token-file",
    file,
    "--state",
    scenario.state,
  ]);
}
