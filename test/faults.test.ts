import { ALL_FAULT_KINDS, type StoredObject } from "@intune-codesign/graph-emulator";
import { type BulkCertificate, writeBulkCertificates } from "@intune-codesign/testkit/bulk-certificates";
import { afterEach, describe, expect, it } from "vitest";
import { type Report, Scenario } from "./helpers/scenario.js";
import { recordFigures, SOAK, scaled, TEST_TIMEOUT_MS } from "./helpers/soak.js";
import { clientTimings, duplicateSubjects, retryAfterViolations } from "./helpers/tenant-checks.js";

const COUNT = scaled(150, 2000);
// Intune allows 100 writes per 20 s; the window is scaled down so that the test meets it many times. Every
// Retry-After pauses all workers, so under 30 % faults the client sends far below its own rate: the allowance must be
// small enough (10/s in both sizes) for real 429s to happen between the pauses.
const WRITE_LIMIT = scaled({ limit: 20, windowMs: 2000 }, { limit: 40, windowMs: 4000 });
// Deliberately above the emulator's allowance, so that real 429s with Retry-After happen.
const CLI_RATE_LIMIT = `${Math.round(WRITE_LIMIT.limit * 1.5)}/${WRITE_LIMIT.windowMs}ms`;
const MAX_RUNS = 4;

let scenario: Scenario;
afterEach(async () => {
  await scenario?.close();
});

/** Checks one run's report against what the tenant gained during it; returns the summary's problems. */
function checkRun(
  report: Report,
  before: StoredObject[],
  after: StoredObject[],
  bySubject: Map<string, BulkCertificate>,
) {
  const counts = { created: 0, updated: 0, unchanged: 0, skipped: 0, failed: 0 };
  for (const item of report.items) counts[item.action as keyof typeof counts]++;
  expect(report.summary).toMatchObject(counts);
  expect(report.summary.certificates).toBe(bySubject.size);

  const known = new Set(before.map((o) => o.id));
  const gained = after.filter((o) => !known.has(o.id));
  const itemsBySha = new Map(report.items.map((item) => [item.sha256, item]));
  // Each object this run gained is a created item with that id, or a create whose answer was lost and that
  // exhausted its retries (a failed item): the next run must find it, not create it again.
  for (const object of gained) {
    const item = itemsBySha.get(bySubject.get(String(object.subjectName))?.sha256 ?? null);
    expect(item, `object ${object.id} (${object.subjectName}) has no report item`).toBeDefined();
    if (item!.action === "created") expect(item!.id).toBe(object.id);
    else expect(item!.action).toBe("failed");
  }
  const createdIds = report.items.filter((i) => i.action === "created").map((i) => i.id);
  expect(new Set(createdIds).size).toBe(createdIds.length);
  expect(createdIds.every((id) => gained.some((o) => o.id === id))).toBe(true);
  return counts;
}

describe("faults and throttling", () => {
  it(
    `${COUNT} certificates, 30 % faults of every kind, Intune-like throttling: each ends in the tenant exactly once`,
    async () => {
      scenario = await Scenario.start({
        faults: { rate: 0.3, seed: 6, kinds: [...ALL_FAULT_KINDS], latencyMs: 150, retryAfterSeconds: 0.2 },
        writeLimit: WRITE_LIMIT,
        requestLimit: { limit: WRITE_LIMIT.limit * 10, windowMs: WRITE_LIMIT.windowMs },
      });
      const certificates = await writeBulkCertificates(scenario.root, COUNT);
      const bySubject = new Map(certificates.map((c) => [c.subjectName, c]));

      const started = performance.now();
      const runs: Array<{ code: number | null; counts: ReturnType<typeof checkRun> }> = [];
      let report: Report | undefined;
      let stderr = "";
      while (runs.length < MAX_RUNS) {
        const before = scenario.emulator.objects();
        const result = await scenario.upload([
          "--rate-limit",
          CLI_RATE_LIMIT,
          "--retries",
          "10",
          "--concurrency",
          "4",
          "--log-level",
          "debug",
        ]);
        expect([0, 1], result.stderr.slice(-2000)).toContain(result.code);
        stderr += result.stderr;
        report = result.report;
        runs.push({
          code: result.code,
          counts: checkRun(report, before, scenario.emulator.objects(), bySubject),
        });
        if (result.code === 0) break;
        // Exit 1 is allowed only for certificates that exhausted their retries; the next run finishes them.
        expect(report.items.filter((i) => i.action === "failed").every((i) => i.sha256 !== null)).toBe(true);
      }
      const durationS = (performance.now() - started) / 1000;
      expect(runs.at(-1)?.code, `no run finished with 0 in ${MAX_RUNS}`).toBe(0);

      const objects = scenario.emulator.objects();
      const duplicates = duplicateSubjects(objects);
      expect(duplicates).toEqual([]);
      expect(objects).toHaveLength(COUNT);
      for (const object of objects) {
        const certificate = bySubject.get(String(object.subjectName));
        expect(certificate, `unexpected object ${object.subjectName}`).toBeDefined();
        expect(object.content).toBe(certificate!.der.toString("base64"));
      }
      // The last run's report equals the tenant: every certificate synced, to the object holding its subject.
      const idBySubject = new Map(objects.map((o) => [String(o.subjectName), o.id]));
      expect(report!.summary.created + report!.summary.updated + report!.summary.unchanged).toBe(COUNT);
      for (const certificate of certificates) {
        const item = report!.items.find((i) => i.sha256 === certificate.sha256);
        expect(item?.id).toBe(idBySubject.get(certificate.subjectName));
      }

      const requests = scenario.emulator.requests();
      const violations = retryAfterViolations(requests, { client: clientTimings(stderr) });
      const throttled = requests.filter((r) => r.status === 429 && r.fault === null).length;
      const faults = requests.filter((r) => r.fault !== null).length;
      recordFigures("faults", {
        certificates: COUNT,
        emulatorWriteLimit: `${WRITE_LIMIT.limit}/${WRITE_LIMIT.windowMs}ms`,
        cliRateLimit: CLI_RATE_LIMIT,
        runs: runs.length,
        exitCodes: runs.map((r) => r.code).join(","),
        durationS: Number(durationS.toFixed(1)),
        requests: requests.length,
        writes: requests.filter((r) => r.method !== "GET").length,
        faultsInjected: faults,
        throttled429: throttled,
        retryAfterAnswers: requests.filter((r) => r.retryAfterMs !== null).length,
        inFlightWhenThrottled: violations.excused ?? 0,
        violations: violations.length,
        violationsByGet: violations.filter((v) => v.early.method === "GET").length,
        duplicates: duplicates.length,
        objects: objects.length,
      });
      expect(throttled, "the emulator's limit was never reached").toBeGreaterThan(0);
      expect(
        [...violations],
        `requests sent before a Retry-After had passed (epoch ms):\n${violations
          .slice(0, 10)
          .map((v) => JSON.stringify(v))
          .join("\n")}`,
      ).toEqual([]);
    },
    SOAK ? TEST_TIMEOUT_MS : 120_000,
  );
});
