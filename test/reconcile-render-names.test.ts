import { rmSync } from "node:fs";
import { makeCa, makeLeaf, type TestCertificate } from "@intune-codesign/testkit/certificates";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { status } from "./helpers/reconcile.js";
import { DEFAULT_FAULTS, Scenario } from "./helpers/scenario.js";

/** Names that a tenant rendering RFC 4514 writes otherwise than we do: ST, escapes, quotes, multi-valued RDNs. */
const SUBJECTS = [
  "C=US, ST=Washington, O=Contoso\\, Ltd, CN=Render One",
  "C=US, O=Contoso+OU=Release, CN=Render Two+E=two@contoso.example",
  'C=US, L=" Zurich ", CN=Fabrikam \\"Beta\\" \\#7',
  "C=US, O=Contoso, CN=Render Four",
];

let certificates: TestCertificate[];

beforeAll(async () => {
  const ca = await makeCa("C=US, ST=Washington, O=Test Org\\, Inc., CN=Test Root CA");
  certificates = await Promise.all(SUBJECTS.map((subject) => makeLeaf(ca, { subject })));
});

let scenario: Scenario;
afterEach(async () => {
  await scenario?.close();
});

/** POST and PATCH requests Graph accepted. */
const writes = () =>
  scenario.emulator
    .requests()
    .filter((r) => (r.method === "POST" || r.method === "PATCH") && r.status >= 200 && r.status < 300).length;
const posts = () => scenario.emulator.requests().filter((r) => r.method === "POST").length;

describe.each([
  ["at once", true as const],
  ["late", "late" as const],
])("a tenant that renders names itself (%s)", (_name, renderNames) => {
  it("costs no write after the first, and a lost state store creates nothing", async () => {
    // Faults include lost create answers: the recovery must find the object by meaning, not by our strings.
    scenario = await Scenario.start({ renderNames, faults: DEFAULT_FAULTS });
    for (const [index, c] of certificates.entries()) scenario.write(`c${index}.cer`, c.der);
    const first = await scenario.upload();
    expect(first.code).toBe(0);
    expect(first.report.summary.created).toBe(SUBJECTS.length);
    const objects = scenario.emulator.objects();
    expect(objects).toHaveLength(SUBJECTS.length);
    // The tenant shows its own rendering (ST, escapes, seven fractional digits), not ours.
    expect(objects.map((o) => o.subject).sort()).toContain(
      "CN=Render One, O=Contoso\\, Ltd, ST=Washington, C=US",
    );

    // Two runs: one write per certificate in total, whether the tenant rendered before or after answering.
    for (let run = 0; run < 2; run++) {
      const again = await scenario.upload();
      expect(again.code).toBe(0);
      expect(again.report.summary).toMatchObject({ unchanged: SUBJECTS.length, updated: 0, created: 0 });
    }
    expect(writes()).toBe(SUBJECTS.length);
    const inSync = await status(scenario, ["--json"]);
    expect(inSync.document!.summary).toMatchObject({ objects: SUBJECTS.length, in_sync: SUBJECTS.length });

    // The state store is lost: every object is found again by meaning; none is created.
    for (const suffix of ["", "-wal", "-shm"]) rmSync(`${scenario.state}${suffix}`, { force: true });
    const postsBefore = posts();
    const lost = await scenario.upload();
    expect(lost.code).toBe(0);
    expect(lost.report.summary).toMatchObject({ created: 0, failed: 0 });
    expect(posts()).toBe(postsBefore);
    expect(scenario.emulator.objects()).toHaveLength(SUBJECTS.length);
    const writesAfterRecovery = writes();
    expect((await scenario.upload()).report.summary.unchanged).toBe(SUBJECTS.length);
    expect(writes()).toBe(writesAfterRecovery);
  });

  it("a create whose answer is lost is found again by meaning, never sent twice", async () => {
    scenario = await Scenario.start({
      renderNames,
      faults: { rate: 1, seed: 3, kinds: ["reset-after-create"], retryAfterSeconds: 0.05 },
    });
    for (const [index, c] of certificates.entries()) scenario.write(`c${index}.cer`, c.der);
    const result = await scenario.upload();
    expect(result.code).toBe(0);
    expect(result.report.summary.created).toBe(SUBJECTS.length);
    expect(scenario.emulator.objects()).toHaveLength(SUBJECTS.length);
    expect(posts()).toBe(SUBJECTS.length);
  });
});
