import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  makeCa,
  makeLeaf,
  SERVER_AUTH,
  sha256Of,
  type TestCertificate,
} from "@intune-codesign/testkit/certificates";
import Database from "better-sqlite3";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { editObject, listedAs, planned } from "./helpers/reconcile.js";
import { Scenario } from "./helpers/scenario.js";

const UNKNOWN_GUID = "b20d3703-3703-b20d-0337-0db203370db2";
const UNKNOWN_MAPPED = "0e5a0e5a-0000-4000-8000-00000000dead";

let ca: TestCertificate;
const leaves: Record<string, TestCertificate> = {};

beforeAll(async () => {
  ca = await makeCa();
  const leaf = (name: string, options: { days?: number; eku?: string[] } = {}) =>
    makeLeaf(ca, { subject: `C=US, O=Contoso, CN=${name}`, ...options });
  for (const name of [
    "Unchanged",
    "Edited",
    "Mapped",
    "Hashed",
    "Named",
    "Matched",
    "Ambiguous",
    "Created",
  ]) {
    leaves[name] = await leaf(name);
  }
  leaves.NotFound = await leaf("Not Found");
  leaves.NotFoundByName = await leaf("Not Found By Name");
  leaves.RenewedOld = await leaf("Renewed", { days: 100 });
  leaves.RenewedNew = await leaf("Renewed", { days: 400 });
  leaves.Expired = await leaf("Expired", { days: -2 });
  leaves.Orphan = await leaf("Orphan");
  leaves.Tls = await leaf("Tls", { eku: [SERVER_AUTH] });
});

let scenario: Scenario;
afterEach(async () => {
  await scenario?.close();
});

function runsRecorded(): number {
  const db = new Database(scenario.state, { readonly: true });
  try {
    return (db.prepare("SELECT count(*) AS n FROM runs").get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/**
 * Every route and outcome the plan knows, on one tenant: unchanged (state), updated through the state store (an
 * admin edited the object), the map by path and by SHA-256, a GUID file name, a remote match; ambiguous_match,
 * a mapped id and a GUID file name the tenant lacks (not_found), a create, a renewal (its predecessor superseded),
 * every skip reason and a broken file, and a prune of an orphan.
 */
async function matrix(): Promise<string[]> {
  const s = scenario;
  s.write("unchanged.cer", leaves.Unchanged!.der);
  s.write("edited.cer", leaves.Edited!.der);
  s.write("team/renewed.cer", leaves.RenewedOld!.der);
  const orphan = s.write("orphan.cer", leaves.Orphan!.der);
  expect((await s.upload()).code).toBe(0);
  rmSync(orphan);
  const editedId = s.emulator.objects().find((o) => o.subjectName === "Edited")!.id;
  await editObject(s, editedId, { status: "notProvisioned" });
  const [mapped, hashed, named] = s.emulator.seed([
    listedAs(leaves.Mapped!, { subject: "CN=Stale" }),
    listedAs(leaves.Hashed!, { status: "notProvisioned" }),
    listedAs(leaves.Named!, { status: "notProvisioned" }),
    listedAs(leaves.Matched!, { status: "notProvisioned", subject: "C=US,O=Contoso,CN=Matched" }),
    listedAs(leaves.Ambiguous!),
    listedAs(leaves.Ambiguous!),
  ]);
  s.write("team/mapped.cer", leaves.Mapped!.der);
  s.write("hashed.pem", leaves.Hashed!.pem);
  s.write(`${named!.id}.cer`, leaves.Named!.der);
  s.write("matched.cer", leaves.Matched!.der);
  s.write("ambiguous.cer", leaves.Ambiguous!.der);
  s.write("not-found.cer", leaves.NotFound!.der);
  s.write(`${UNKNOWN_GUID}.cer`, leaves.NotFoundByName!.der);
  s.write("created.cer", leaves.Created!.der);
  s.write("team/renewed.cer", leaves.RenewedNew!.der);
  s.write("skip/ca.pem", ca.pem);
  s.write("skip/expired.cer", leaves.Expired!.der);
  s.write("skip/tls.cer", leaves.Tls!.der);
  s.write("skip/copy.pem", leaves.Created!.pem);
  s.write("skip/broken.pem", "-----BEGIN CERTIFICATE-----\nMII%%%%\n-----END CERTIFICATE-----\n");
  const map = join(s.root, "map.json");
  writeFileSync(
    map,
    JSON.stringify({
      "team/mapped.cer": mapped!.id,
      [`sha256:${sha256Of(leaves.Hashed!)}`]: hashed!.id,
      "not-found.cer": UNKNOWN_MAPPED,
    }),
  );
  return ["--map", map, "--prune", "orphan"];
}

describe("--dry-run is the plan", () => {
  it("plans exactly what the real run then does, item for item, over the whole matrix", async () => {
    scenario = await Scenario.start();
    const flags = await matrix();
    const metrics = join(scenario.root, "metrics.prom");
    const runsBefore = runsRecorded();
    const writesBefore = scenario.writeRequests();

    const dry = await scenario.upload([...flags, "--dry-run", "--metrics-file", metrics]);
    expect(dry.report.dryRun).toBe(true);
    expect(scenario.writeRequests()).toBe(writesBefore);
    // No run in the journal, no metrics: a dead cron job's staleness alert is not silenced by a dry run.
    expect(runsRecorded()).toBe(runsBefore);
    expect(existsSync(metrics)).toBe(false);

    const real = await scenario.upload([...flags, "--metrics-file", metrics]);
    expect(real.report.dryRun).toBe(false);
    expect(real.code).toBe(dry.code);
    expect(real.report.items.map(planned)).toEqual(dry.report.items.map(planned));
    expect(real.report.summary).toEqual(dry.report.summary);
    expect(runsRecorded()).toBe(runsBefore + 1);
    expect(existsSync(metrics)).toBe(true);

    // The matrix covers every outcome (a plan equal to an empty run proves nothing).
    const outcomes = real.report.items.map((i) => `${i.action}:${i.reason ?? i.error?.code ?? ""}`).sort();
    expect(outcomes).toEqual(
      [
        "created:",
        "created:",
        "deleted:orphan",
        "failed:ambiguous_match",
        "failed:malformed",
        "failed:not_found",
        "failed:not_found",
        "skipped:ca_certificate",
        "skipped:duplicate",
        "skipped:expired",
        "skipped:not_code_signing",
        `superseded:renewed by ${sha256Of(leaves.RenewedNew!)}`,
        "unchanged:",
        "updated:",
        "updated:",
        "updated:",
        "updated:",
        "updated:",
      ].sort(),
    );
    const update = (name: string) => real.report.items.find((i) => i.subject?.includes(`CN=${name},`));
    expect(update("Edited")!.changes).toEqual([
      { field: "status", from: "notProvisioned", to: "provisioned" },
    ]);
    expect(update("Mapped")!.changes).toEqual([
      { field: "subject", from: "CN=Stale", to: "CN=Mapped, O=Contoso, C=US" },
    ]);
    // The remote match found the object by meaning (RFC 4514 order) and names only the status as changed.
    expect(update("Matched")!.changes).toEqual([
      { field: "status", from: "notProvisioned", to: "provisioned" },
    ]);
    expect(
      real.report.items
        .filter((i) => i.error?.code === "not_found")
        .map((i) => i.id)
        .sort(),
    ).toEqual([UNKNOWN_GUID, UNKNOWN_MAPPED].sort());
  });

  it("prints the plan with each certificate's subject and each update's fields old → new", async () => {
    scenario = await Scenario.start({ faults: undefined });
    const flags = await matrix();
    const result = await runCli(scenario.uploadArgs([...flags, "--dry-run"]).filter((f) => f !== "--json"));
    expect(result.code).toBe(1);
    const lines = result.stdout.split("\n");
    const edited = lines.findIndex((l) => l.startsWith("  update     CN=Edited, O=Contoso, C=US  "));
    expect(lines[edited]).toBe(
      `  update     CN=Edited, O=Contoso, C=US  ${join(scenario.certs, "edited.cer")}  (${
        scenario.emulator.objects().find((o) => o.subjectName === "Edited")!.id
      })`,
    );
    expect(lines[edited + 1]).toBe("             status: notProvisioned → provisioned");
    expect(lines).toContain(
      `  create     CN=Created, O=Contoso, C=US  ${join(scenario.certs, "created.cer")}`,
    );
    expect(lines.some((l) => l.startsWith("  superseded CN=Renewed, O=Contoso, C=US  "))).toBe(true);
    expect(lines.some((l) => l.startsWith("  delete     CN=Orphan, O=Contoso, C=US  "))).toBe(true);
  });
});
