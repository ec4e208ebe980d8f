import type { RunningEmulator } from "@intune-codesign/graph-emulator";
import { faultsOffAfterFirst, requestLine, withEmulator } from "@intune-codesign/testkit/emulator";
import { afterEach, describe, expect, it } from "vitest";
import { GraphError } from "./graph-error.js";
import { RateLimiter } from "./pacing.js";

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

/** An emulator holding one object, and its id. */
async function holdingOne(options: Parameters<typeof withEmulator>[0] = {}) {
  const setup = await withEmulator(options);
  emulator = setup.emulator;
  const [object] = emulator.seed([
    { subject: "CN=Old", issuer: "CN=Old CA", expirationDateTime: "2020-01-01T00:00:00Z" },
  ]);
  return { ...setup, emulator: setup.emulator, id: object!.id };
}

describe("GraphClient.delete against the emulator", () => {
  it("deletes with one DELETE 204", async () => {
    const { emulator: e, client, id } = await holdingOne();
    expect(await client().delete(id)).toEqual({ id, attempts: 1, status: 204 });
    expect(e.objects()).toEqual([]);
    expect(requestLine(e)).toEqual(["DELETE 204"]);
  });

  it("a missing object is a GraphError 404 after exactly one request", async () => {
    const { emulator: e, client } = await holdingOne();
    const error = await client()
      .delete("00000000-0000-0000-0000-000000000000")
      .catch((x: unknown) => x);
    expect(error).toBeInstanceOf(GraphError);
    expect(error).toMatchObject({ status: 404, attempts: 1 });
    expect(e.objects()).toHaveLength(1);
  });

  it.each([
    ["503", "DELETE 503 503"],
    ["reset-before-response", "DELETE 0 reset-before-response"],
  ] as const)("is retried like a write after %s, with Retry-Attempt", async (kind, first) => {
    const { emulator: e, client, id } = await holdingOne({ faults: { rate: 1, kinds: [kind] } });
    const result = await client({ transport: faultsOffAfterFirst(e), backoffCapMs: 20 }).delete(id);
    expect(result).toEqual({ id, attempts: 2, status: 204 });
    expect(requestLine(e)).toEqual([first, "DELETE 204"]);
    expect(e.requests().map((r) => r.attempt)).toEqual([null, "1"]);
  });

  it("a delete whose answer was lost and that then gets 404 counts as done", async () => {
    // The emulator applies the DELETE after its latency although the client gave up at 100 ms; the retry,
    // sent after the backoff, finds the object gone.
    const {
      emulator: e,
      client,
      id,
    } = await holdingOne({
      faults: { rate: 1, kinds: ["latency"], latencyMs: 300 },
    });
    const result = await client({
      transport: faultsOffAfterFirst(e),
      timeoutMs: 100,
      backoffBaseMs: 800,
    }).delete(id);
    expect(result).toEqual({ id, attempts: 2, status: 404 });
    expect(e.objects()).toEqual([]);
    expect(requestLine(e)).toEqual(["DELETE 204 latency", "DELETE 404"]);
  });

  it("is paced by the write limiter", async () => {
    const setup = await withEmulator();
    emulator = setup.emulator;
    const ids = emulator
      .seed(
        Array.from({ length: 3 }, (_, i) => ({
          subject: `CN=D${i}`,
          expirationDateTime: "2020-01-01T00:00:00Z",
        })),
      )
      .map((o) => o.id);
    const client = setup.client({ writeLimiter: new RateLimiter({ limit: 1, windowMs: 150 }) });
    for (const id of ids) await client.delete(id);
    const [a, b, c] = emulator.requests().map((r) => r.startedAt);
    expect(b! - a!).toBeGreaterThanOrEqual(148);
    expect(c! - b!).toBeGreaterThanOrEqual(148);
  });
});
