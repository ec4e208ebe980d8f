import type { RunningEmulator } from "@intune-codesign/graph-emulator";
import { makeCertificateInfo } from "@intune-codesign/testkit/certificates";
import { faultsOffAfterFirst, requestLine, withEmulator } from "@intune-codesign/testkit/emulator";
import { afterEach, describe, expect, it } from "vitest";
import { buildBody } from "./body.js";

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

describe("creates whose outcome is unknown are never blindly re-sent", () => {
  it("reset after the create: finds the object, does not re-send, exactly one object", async () => {
    const setup = await withEmulator({ faults: { rate: 1, kinds: ["reset-after-create"] } });
    emulator = setup.emulator;
    const body = buildBody(await makeCertificateInfo("Reset Trap"));
    const result = await setup.client({ transport: faultsOffAfterFirst(emulator) }).create(body);
    const objects = emulator.objects();
    expect(objects).toHaveLength(1);
    expect(result).toEqual({
      id: objects[0]!.id,
      attempts: 1,
      status: 200,
      recovered: true,
      object: expect.objectContaining({ id: objects[0]!.id, subject: body.subject }),
    });
    expect(requestLine(emulator)).toEqual(["POST 0 reset-after-create", "GET 200"]);
  });

  it.each([
    ["reset-before-response", "POST 0 reset-before-response"],
    ["500", "POST 500 500"],
    ["504", "POST 504 504"],
  ] as const)("%s: looks, finds nothing, re-sends once", async (kind, first) => {
    const setup = await withEmulator({ faults: { rate: 1, kinds: [kind] } });
    emulator = setup.emulator;
    const body = buildBody(await makeCertificateInfo(`Unknown ${kind}`));
    const result = await setup.client({ transport: faultsOffAfterFirst(emulator) }).create(body);
    expect(result).toMatchObject({ status: 201, attempts: 2 });
    expect(result.recovered).toBeUndefined();
    expect(emulator.objects().map((o) => o.subject)).toEqual([body.subject]);
    expect(requestLine(emulator)).toEqual([first, "GET 200", "POST 201"]);
  });

  it("a timed-out create that lands late is found after recoveryDelayMs and not re-sent", async () => {
    const setup = await withEmulator({ faults: { rate: 1, kinds: ["latency"], latencyMs: 300 } });
    emulator = setup.emulator;
    const body = buildBody(await makeCertificateInfo("Slow Create"));
    const client = setup.client({
      transport: faultsOffAfterFirst(emulator),
      timeoutMs: 100,
      recoveryDelayMs: 500,
    });
    const started = Date.now();
    const result = await client.create(body);
    expect(emulator.objects().map((o) => o.subject)).toEqual([body.subject]);
    // The emulator (like Graph) applies the create although its client gave up; the look finds it.
    expect(result).toMatchObject({ attempts: 1, status: 200, recovered: true });
    const afterTimeout = emulator.requests().filter((r) => r.startedAt - started >= 100);
    expect(afterTimeout.map((r) => `${r.method} ${r.status}`)).toEqual(["GET 200"]);
    expect(afterTimeout[0]!.startedAt - started).toBeGreaterThanOrEqual(100 + 500 - 2);
  });

  it("a 429 is a definite refusal: re-sent without looking", async () => {
    const setup = await withEmulator({ faults: { rate: 1, kinds: ["429"], retryAfterSeconds: 0.05 } });
    emulator = setup.emulator;
    const result = await setup
      .client({ transport: faultsOffAfterFirst(emulator) })
      .create(buildBody(await makeCertificateInfo("Throttled")));
    expect(result).toMatchObject({ status: 201, attempts: 2 });
    expect(requestLine(emulator)).toEqual(["POST 429 429", "POST 201"]);
  });

  it("a match on another certificate's subject or expiry is not taken for ours", async () => {
    const setup = await withEmulator({ faults: { rate: 1, kinds: ["reset-before-response"] } });
    emulator = setup.emulator;
    const body = buildBody(await makeCertificateInfo("Look Alike", "2031-01-01T00:00:00Z"));
    emulator.seed([
      { subject: body.subject, issuer: body.issuer, expirationDateTime: "2031-01-01T00:00:01Z" },
      { subject: "CN=Other", issuer: body.issuer, expirationDateTime: "2031-01-01T00:00:00Z" },
    ]);
    const result = await setup.client({ transport: faultsOffAfterFirst(emulator) }).create(body);
    expect(result).toMatchObject({ status: 201, attempts: 2 });
    expect(emulator.objects()).toHaveLength(3);
  });

  it("under random faults of every kind, 25 creates leave exactly 25 objects, one per certificate", async () => {
    const setup = await withEmulator({
      faults: { rate: 0.35, seed: 7, retryAfterSeconds: 0.05, latencyMs: 50 },
    });
    emulator = setup.emulator;
    const client = setup.client({ retries: 12 });
    const bodies = await Promise.all(
      Array.from({ length: 25 }, async (_, i) => buildBody(await makeCertificateInfo(`Chaos ${i}`))),
    );
    for (const body of bodies) await client.create(body);
    const subjects = emulator.objects().map((o) => o.subject);
    expect(subjects.sort()).toEqual(bodies.map((b) => b.subject).sort());
    expect(emulator.requests().some((r) => r.fault === "reset-after-create")).toBe(true);
  });
});
