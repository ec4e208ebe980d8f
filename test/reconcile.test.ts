import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { startEmulator } from "@intune-codesign/graph-emulator";
import { makeCa, makeLeaf, sha256Of, type TestCertificate } from "@intune-codesign/testkit/certificates";
import Database from "better-sqlite3";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { editObject, listedAs, type StatusDocument, status } from "./helpers/reconcile.js";
import { DEFAULT_FAULTS, type Report, Scenario, TOKEN } from "./helpers/scenario.js";

const DAY_MS = 24 * 60 * 60 * 1000;

let ca: TestCertificate;
const leaf = (name: string, days = 365) => makeLeaf(ca, { subject: `C=US, O=Contoso, CN=${name}`, days });

beforeAll(async () => {
  ca = await makeCa();
});

let scenario: Scenario;
afterEach(async () => {
  await scenario?.close();
});

/** DELETE requests that reached the emulator. */
const deletes = () => scenario.emulator.requests().filter((r) => r.method === "DELETE");

/** Object ids of the tenant, sorted. */
const ids = () =>
  scenario.emulator
    .objects()
    .map((o) => o.id)
    .sort();

/** The state store's records of what it sent, as object ids. */
function recordedObjects(): string[] {
  const db = new Database(scenario.state, { readonly: true });
  try {
    return db.prepare("SELECT remote_id FROM certificates ORDER BY remote_id").pluck().all() as string[];
  } finally {
    db.close();
  }
}

describe("renewals", () => {
  it("a renewal in the same file or folder supersedes its predecessor's object, which is reported and kept", async () => {
    scenario = await Scenario.start();
    const [old, renewed] = [await leaf("Fabrikam", 100), await leaf("Fabrikam", 400)];
    const [oldSibling, renewedSibling] = [await leaf("Sibling", 100), await leaf("Sibling", 400)];
    const [elsewhere, elsewhereNew] = [await leaf("Elsewhere", 100), await leaf("Elsewhere", 400)];
    scenario.write("fabrikam.pem", old.pem);
    scenario.write("team/sibling-2026.cer", oldSibling.der);
    scenario.write("a/elsewhere.cer", elsewhere.der);
    const first = await scenario.upload();
    expect(first.code).toBe(0);
    const before = new Map(first.report.items.map((i) => [i.sha256, i.id]));

    scenario.write("fabrikam.pem", renewed.pem);
    rmSync(join(scenario.certs, "team/sibling-2026.cer"));
    scenario.write("team/sibling-2027.cer", renewedSibling.der);
    rmSync(join(scenario.certs, "a/elsewhere.cer"));
    // The same subject in another folder is no renewal of it.
    scenario.write("b/elsewhere.cer", elsewhereNew.der);
    const second = await scenario.upload();
    expect(second.code).toBe(0);
    expect(second.report.summary).toMatchObject({ created: 3, superseded: 2, deleted: 0 });
    const superseded = second.report.items.filter((i) => i.action === "superseded");
    expect(superseded.map((i) => [i.path, i.sha256, i.id, i.reason])).toEqual([
      [
        join(scenario.certs, "fabrikam.pem"),
        sha256Of(old),
        before.get(sha256Of(old)),
        `renewed by ${sha256Of(renewed)}`,
      ],
      [
        join(scenario.certs, "team/sibling-2026.cer"),
        sha256Of(oldSibling),
        before.get(sha256Of(oldSibling)),
        `renewed by ${sha256Of(renewedSibling)}`,
      ],
    ]);
    // Nothing is deleted: apps signed with the old certificates may still need them trusted.
    expect(deletes()).toHaveLength(0);
    expect(scenario.emulator.objects()).toHaveLength(6);
  });
});

describe("--prune", () => {
  it("deletes orphans this tool wrote, records each delete; unmanaged objects are never touched", async () => {
    scenario = await Scenario.start();
    const [kept, orphaned] = [await leaf("Kept"), await leaf("Orphaned")];
    const stranger = await makeLeaf(ca, { subject: "C=US, O=Other, CN=Stranger", days: -100 });
    scenario.write("kept.cer", kept.der);
    const orphanPath = scenario.write("orphaned.cer", orphaned.der);
    expect((await scenario.upload()).code).toBe(0);
    const orphanId = scenario.emulator.objects().find((o) => o.subjectName === "Orphaned")!.id;
    const [unmanaged] = scenario.emulator.seed([
      listedAs(stranger, { subject: "CN=Stranger, O=Other, C=US" }),
    ]);
    rmSync(orphanPath);

    const metrics = join(scenario.root, "metrics.prom");
    const dry = await scenario.upload(["--prune", "orphan,expired,superseded", "--dry-run"]);
    expect(dry.report.items.filter((i) => i.action === "deleted").map((i) => i.id)).toEqual([orphanId]);
    expect(deletes()).toHaveLength(0);

    const result = await scenario.upload(["--prune", "orphan,expired,superseded", "--metrics-file", metrics]);
    expect(result.code).toBe(0);
    expect(result.report.items.filter((i) => i.action === "deleted")).toEqual([
      expect.objectContaining({
        path: orphanPath,
        sha256: sha256Of(orphaned),
        id: orphanId,
        action: "deleted",
        reason: "orphan",
        error: null,
      }),
    ]);
    expect(ids()).toEqual(
      [scenario.emulator.objects().find((o) => o.subjectName === "Kept")!.id, unmanaged!.id].sort(),
    );
    expect(recordedObjects()).not.toContain(orphanId);
    expect(readFileSync(metrics, "utf8")).toContain('intune_codesign_last_run_objects{action="deleted"} 1\n');
    // The journal keeps the delete.
    const db = new Database(scenario.state, { readonly: true });
    try {
      expect(
        db.prepare("SELECT action, remote_id, reason FROM events WHERE action = 'deleted'").all(),
      ).toEqual([{ action: "deleted", remote_id: orphanId, reason: "orphan" }]);
    } finally {
      db.close();
    }
  });

  it("never prunes without --prune: an orphan stays", async () => {
    scenario = await Scenario.start();
    scenario.write("kept.cer", (await leaf("Kept")).der);
    const gone = scenario.write("gone.cer", (await leaf("Gone")).der);
    expect((await scenario.upload()).code).toBe(0);
    rmSync(gone);
    const result = await scenario.upload();
    expect(result.code).toBe(0);
    expect(deletes()).toHaveLength(0);
    expect(scenario.emulator.objects()).toHaveLength(2);
  });

  it("a run that would delete more than --max-deletes deletes nothing and fails with prune_limit", async () => {
    scenario = await Scenario.start();
    scenario.write("kept.cer", (await leaf("Kept")).der);
    const paths = [];
    for (const name of ["One", "Two", "Three"])
      paths.push(scenario.write(`${name}.cer`, (await leaf(name)).der));
    expect((await scenario.upload()).code).toBe(0);
    for (const path of paths) rmSync(path);
    const result = await scenario.upload(["--prune", "orphan", "--max-deletes", "2"]);
    expect(result.code).toBe(1);
    expect(result.report.items.filter((i) => i.action === "failed")).toEqual([
      expect.objectContaining({
        path: "",
        error: {
          code: "prune_limit",
          message: "3 objects would be deleted, more than --max-deletes 2: nothing was deleted",
        },
      }),
    ]);
    expect(deletes()).toHaveLength(0);
    expect(scenario.emulator.objects()).toHaveLength(4);
    // At the limit, they go.
    const allowed = await scenario.upload(["--prune", "orphan", "--max-deletes", "3"]);
    expect(allowed.code).toBe(0);
    expect(allowed.report.summary.deleted).toBe(3);
    expect(scenario.emulator.objects()).toHaveLength(1);
  });

  it("a walk that finds no certificate at all refuses to prune (an unmounted volume looks empty)", async () => {
    scenario = await Scenario.start();
    const only = scenario.write("only.cer", (await leaf("Only")).der);
    expect((await scenario.upload()).code).toBe(0);
    rmSync(only);
    const result = await scenario.upload(["--prune", "orphan"]);
    expect(result.code).toBe(1);
    expect(result.report.items).toEqual([
      expect.objectContaining({
        action: "failed",
        error: {
          code: "prune_empty_walk",
          message: "the folders hold no certificate (an unmounted volume looks empty): nothing was deleted",
        },
      }),
    ]);
    expect(deletes()).toHaveLength(0);
    expect(scenario.emulator.objects()).toHaveLength(1);
  });

  it("expired and superseded objects are pruned only once expired for longer than --prune-grace", async () => {
    scenario = await Scenario.start();
    const [old, renewed] = [await leaf("Renewed", 100), await leaf("Renewed", 400)];
    scenario.write("renewed.cer", old.der);
    expect((await scenario.upload()).code).toBe(0);
    const oldId = scenario.emulator.objects()[0]!.id;
    scenario.write("renewed.cer", renewed.der);
    expect((await scenario.upload()).report.summary).toMatchObject({ created: 1, superseded: 1 });
    // Its certificate expired 40 days ago, as the tenant shows it.
    const expiredAt = new Date(Date.now() - 40 * DAY_MS).toISOString();
    await editObject(scenario, oldId, { expirationDateTime: expiredAt });

    const withinGrace = await scenario.upload(["--prune", "superseded", "--prune-grace", "60d"]);
    expect(withinGrace.report.summary).toMatchObject({ superseded: 1, deleted: 0 });
    expect(deletes()).toHaveLength(0);

    const pastGrace = await scenario.upload(["--prune", "superseded"]);
    expect(pastGrace.code).toBe(0);
    expect(pastGrace.report.items.filter((i) => i.action === "deleted").map((i) => [i.id, i.reason])).toEqual(
      [[oldId, "superseded"]],
    );
    expect(scenario.emulator.objects().map((o) => o.subjectName)).toEqual(["Renewed"]);
  });

  it("--prune expired goes by the certificate's expiry: the tenant's alone for an object no file backs", async () => {
    scenario = await Scenario.start();
    const lapsedPath = scenario.write("lapsed.cer", (await leaf("Lapsed")).der);
    scenario.write("drifted.cer", (await leaf("Drifted")).der);
    expect((await scenario.upload()).code).toBe(0);
    const id = (name: string) => scenario.emulator.objects().find((o) => o.subjectName === name)!.id;
    const longAgo = new Date(Date.now() - 31 * DAY_MS).toISOString();
    await editObject(scenario, id("Lapsed"), { expirationDateTime: longAgo });
    await editObject(scenario, id("Drifted"), { expirationDateTime: longAgo });
    rmSync(lapsedPath);
    // Drifted's file is valid for a year: its object is updated, not pruned; Lapsed's is an expired orphan.
    const result = await scenario.upload(["--prune", "expired", "--prune-grace", "30d"]);
    expect(result.code).toBe(0);
    expect(result.report.items.map((i) => [i.subject?.slice(0, 10), i.action, i.reason])).toEqual([
      ["CN=Drifted", "updated", null],
      ["CN=Lapsed,", "deleted", "expired"],
    ]);
    expect(scenario.emulator.objects().map((o) => o.subjectName)).toEqual(["Drifted"]);
  });
});

describe("a delete whose answer is lost", () => {
  it("is retried, and the 404 that follows counts as done", async () => {
    scenario = await Scenario.start({ faults: undefined });
    scenario.write("kept.cer", (await leaf("Kept")).der);
    const gone = scenario.write("gone.cer", (await leaf("Gone")).der);
    expect((await scenario.upload()).code).toBe(0);
    const goneId = scenario.emulator.objects().find((o) => o.subjectName === "Gone")!.id;
    rmSync(gone);
    // The first DELETE is applied and its answer lost; faults end as soon as it has reached the emulator.
    scenario.emulator.setFaults({ rate: 1, seed: 5, kinds: ["reset-after-delete"], retryAfterSeconds: 0.05 });
    const run = scenario.startUpload(["--prune", "orphan"]);
    const deadline = Date.now() + 20_000;
    while (deletes().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    scenario.emulator.setFaults(undefined);
    const done = await run.done;
    const result = { ...done, report: JSON.parse(done.stdout) as Report };
    expect(result.code).toBe(0);
    expect(result.report.items.find((i) => i.action === "deleted")).toMatchObject({
      id: goneId,
      attempts: 2,
    });
    expect(deletes().map((r) => [r.fault, r.status])).toEqual([
      ["reset-after-delete", 0],
      [null, 404],
    ]);
    expect(scenario.emulator.objects().map((o) => o.subjectName)).toEqual(["Kept"]);
    expect(recordedObjects()).not.toContain(goneId);
  });
});

describe("one state store, many tenants", () => {
  it("alternating two tenants with one state file sends nothing on the second round", async () => {
    scenario = await Scenario.start();
    const second = await startEmulator({ staticTokens: [TOKEN], faults: DEFAULT_FAULTS });
    try {
      scenario.write("alpha.cer", (await leaf("Alpha")).der);
      scenario.write("beta.cer", (await leaf("Beta")).der);
      const upload = (url: string) =>
        runCli([
          "upload",
          "--graph-url",
          url,
          "--access-token-file",
          scenario.tokenFile,
          "--state",
          scenario.state,
          "--json",
          scenario.certs,
        ]).then((r) => ({ ...r, report: JSON.parse(r.stdout) as Report }));
      const writes = () =>
        [scenario.emulator, second].map((e) => e.requests().filter((r) => r.method !== "GET").length);
      expect((await upload(scenario.emulator.url)).report.summary.created).toBe(2);
      expect((await upload(second.url)).report.summary.created).toBe(2);
      const afterFirstRound = writes();
      const again = [await upload(scenario.emulator.url), await upload(second.url)];
      expect(again.map((r) => r.report.summary.unchanged)).toEqual([2, 2]);
      expect(writes()).toEqual(afterFirstRound);
      // Each tenant's status sees its own objects as this tool's.
      const seen: StatusDocument = (await status(scenario, ["--json"])).document!;
      expect(seen.summary).toMatchObject({ objects: 2, in_sync: 2 });
    } finally {
      await second.close();
    }
  });
});
