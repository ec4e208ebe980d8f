import { getEventListeners } from "node:events";
import type { RunningEmulator } from "@intune-codesign/graph-emulator";
import { makeCertificateInfo } from "@intune-codesign/testkit/certificates";
import { withEmulator } from "@intune-codesign/testkit/emulator";
import { waitFor } from "@intune-codesign/testkit/wait-for";
import { afterEach, describe, expect, it } from "vitest";
import { buildBody } from "./body.js";
import { RateLimiter } from "./pacing.js";
import { StoppedError } from "./stopped-error.js";

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const body = async (name: string) => buildBody(await makeCertificateInfo(name));

describe("the client's stop signal: nothing new is sent after it", () => {
  it("a create waiting for its rate-limit slot ends at once with a StoppedError, having sent nothing", async () => {
    const setup = await withEmulator();
    emulator = setup.emulator;
    const stop = new AbortController();
    const client = setup.client({
      writeLimiter: new RateLimiter({ limit: 1, windowMs: 60_000 }),
      stop: stop.signal,
    });
    const [first, second] = [await body("Stop first"), await body("Stop second")];
    expect((await client.create(first)).status).toBe(201);
    // Nothing stays attached to the run's long-lived signals after a request (100,000 of them in a large run).
    expect(getEventListeners(stop.signal, "abort")).toEqual([]);
    const waiting = client.create(second).catch((error: unknown) => error);
    stop.abort();
    const error = await waiting;
    expect(error).toBeInstanceOf(StoppedError);
    expect(error).toMatchObject({ attempts: 0, message: "the run stopped before this request was sent" });
    expect(emulator.requests().map((r) => [r.method, r.status])).toEqual([["POST", 201]]);
    expect(emulator.objects().map((o) => o.subjectName)).toEqual(["Stop first"]);
  });

  it("a retry's back-off (a 503 with Retry-After) ends at once, after the one request it sent", async () => {
    const setup = await withEmulator({
      faults: { rate: 1, kinds: ["503-retry-after"], retryAfterSeconds: 60 },
    });
    emulator = setup.emulator;
    const stop = new AbortController();
    const client = setup.client({ stop: stop.signal });
    const pending = client.create(await body("Backing off")).catch((error: unknown) => error);
    await waitFor(() => emulator!.requests().length === 1);
    stop.abort();
    const error = await pending;
    expect(error).toBeInstanceOf(StoppedError);
    expect(error).toMatchObject({ attempts: 1 });
    expect(emulator.requests().map((r) => [r.method, r.status])).toEqual([["POST", 503]]);
  });

  it("a request already sent is not cut short by the stop, only by the signal", async () => {
    const setup = await withEmulator({ faults: { rate: 1, kinds: ["latency"], latencyMs: 300 } });
    emulator = setup.emulator;
    const stop = new AbortController();
    const client = setup.client({ stop: stop.signal });
    const pending = client.create(await body("In flight"));
    await waitFor(() => emulator!.inFlight() === 1);
    stop.abort();
    expect((await pending).status).toBe(201);
    expect(emulator.objects().map((o) => o.subjectName)).toEqual(["In flight"]);
  });
});
