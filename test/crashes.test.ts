import { setTimeout as delay } from "node:timers/promises";
import { writeBulkCertificates } from "@intune-codesign/testkit/bulk-certificates";
import { waitFor } from "@intune-codesign/testkit/wait-for";
import Database from "better-sqlite3";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { Scenario } from "./helpers/scenario.js";
import { recordFigures, SOAK, scaled, TEST_TIMEOUT_MS } from "./helpers/soak.js";
import { duplicateSubjects } from "./helpers/tenant-checks.js";

const COUNT = scaled(60, 400);
const KILLS = scaled(3, 6);
const RATE = scaled({ limit: 20, windowMs: 1000 }, { limit: 50, windowMs: 1000 });
const UPLOAD_FLAGS = ["--rate-limit", `${RATE.limit}/${RATE.windowMs}ms`, "--retries", "10"];
/** Where each kill lands, seeded so a failing sequence replays: a fifth before any write, the rest mid-batch. */
const KILL_PLANS = fc.sample(
  // Unbiased: fast-check otherwise favours edge values, which would crowd the kills at the batch's ends.
  fc.noBias(
    fc.record({
      early: fc.integer({ min: 0, max: 4 }).map((draw) => draw === 0),
      share: fc.integer({ min: 0, max: 999_999 }).map((draw) => draw / 1_000_000),
    }),
  ),
  { seed: 20_260_601, numRuns: KILLS },
);

let scenario: Scenario;
afterEach(async () => {
  await scenario?.close();
});

function integrityCheck(path: string): string {
  const db = new Database(path, { readonly: true });
  try {
    return String(db.pragma("integrity_check", { simple: true }));
  } finally {
    db.close();
  }
}

describe("crashes and overlapping runs", () => {
  it(
    `SIGKILL at ${KILLS} seeded points, rerun at once: converges, no duplicate, intact store, never locked out`,
    async () => {
      scenario = await Scenario.start({ writeLimit: RATE });
      const certificates = await writeBulkCertificates(scenario.root, COUNT);
      const kills: string[] = [];
      for (let kill = 0; kill < KILLS; kill++) {
        const run = scenario.startUpload(UPLOAD_FLAGS);
        let exited = false;
        void run.done.then(() => {
          exited = true;
        });
        // An early kill lands while walking, parsing or listing; a late one after a share of the remaining writes.
        const plan = KILL_PLANS[kill]!;
        const writesBefore = scenario.writeRequests();
        const remaining = COUNT - scenario.emulator.objects().length;
        if (plan.early) {
          const delayMs = Math.round(100 + plan.share * 700);
          // The seeded point in time is the kill under test: it lands then, or not at all if the run has ended.
          await Promise.race([run.done, delay(delayMs)]);
          kills.push(`${delayMs} ms`);
        } else {
          const writes = 1 + Math.floor(plan.share * Math.max(1, remaining * 0.8));
          await waitFor(() => exited || scenario.writeRequests() - writesBefore >= writes, {
            timeoutMs: 30_000,
          });
          kills.push(`${writes} writes`);
        }
        run.child.kill("SIGKILL");
        const result = await run.done;
        expect(result.code, `run ${kill + 1} was refused by the lock:\n${result.stderr}`).not.toBe(4);
        expect(integrityCheck(scenario.state)).toBe("ok");
      }
      const final = await scenario.upload(UPLOAD_FLAGS);
      expect(final.code, final.stderr.slice(-2000)).toBe(0);
      expect(integrityCheck(scenario.state)).toBe("ok");
      const objects = scenario.emulator.objects();
      const duplicates = duplicateSubjects(objects);
      expect(duplicates).toEqual([]);
      expect(objects).toHaveLength(COUNT);
      // The same tenant as an uninterrupted run: one object per certificate, with its content.
      const bySubject = new Map(objects.map((o) => [String(o.subjectName), o]));
      for (const certificate of certificates) {
        expect(bySubject.get(certificate.subjectName)?.content).toBe(certificate.der.toString("base64"));
      }
      expect(
        final.report.summary.created + final.report.summary.updated + final.report.summary.unchanged,
      ).toBe(COUNT);
      recordFigures("crashes", {
        certificates: COUNT,
        kills: KILLS,
        killPoints: kills.join("; "),
        writeRequests: scenario.writeRequests(),
        objects: objects.length,
        duplicates: duplicates.length,
        integrity: "ok",
      });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "two runs started together: one exits 4 and writes nothing, the other 0; every object created once",
    async () => {
      scenario = await Scenario.start({ writeLimit: { limit: 20, windowMs: 1000 } });
      await writeBulkCertificates(scenario.root, 30);
      const [first, second] = [scenario.startUpload(UPLOAD_FLAGS), scenario.startUpload(UPLOAD_FLAGS)];
      const results = await Promise.all([first.done, second.done]);
      expect(results.map((r) => r.code).sort()).toEqual([0, 4]);
      const locked = results.find((r) => r.code === 4)!;
      expect(locked.stdout).toBe("");
      expect(locked.stderr).toMatch(/another run holds the lock/);
      const objects = scenario.emulator.objects();
      expect(objects).toHaveLength(30);
      expect(duplicateSubjects(objects)).toEqual([]);
      const createsAccepted = scenario.emulator
        .requests()
        .filter((r) => r.method === "POST" && (r.status === 201 || r.fault === "reset-after-create"));
      expect(createsAccepted).toHaveLength(30);
      expect(scenario.emulator.requests().filter((r) => r.method === "PATCH")).toEqual([]);
    },
    SOAK ? TEST_TIMEOUT_MS : 60_000,
  );
});
