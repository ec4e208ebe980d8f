import { COLLECTION, createBody, startTestGraph, type TestGraph } from "@intune-codesign/testkit/emulator";
import { waitFor } from "@intune-codesign/testkit/wait-for";
import { afterEach, describe, expect, it } from "vitest";
import type { FaultKind } from "./types.js";

let graph: TestGraph;
afterEach(async () => {
  await graph.emulator.close();
});

async function errorCode(response: Response): Promise<string> {
  return ((await response.json()) as { error: { code: string } }).error.code;
}

describe("fault injection", () => {
  it.each([
    ["500", 500, "InternalServerError"],
    ["502", 502, "BadGateway"],
    ["503", 503, "ServiceUnavailable"],
    ["504", 504, "GatewayTimeout"],
    ["401-expired-token", 401, "InvalidAuthenticationToken"],
  ] as const)("%s answers %d %s without Retry-After and applies nothing", async (kind, status, code) => {
    graph = await startTestGraph({ faults: { rate: 1, kinds: [kind] } });
    const response = await graph.call("POST", COLLECTION, createBody());
    expect(response.status).toBe(status);
    expect(response.headers.get("retry-after")).toBeNull();
    expect(response.headers.get("request-id")).toBe(graph.emulator.requests()[0]?.id);
    expect(await errorCode(response)).toBe(code);
    expect(graph.emulator.objects()).toEqual([]);
    expect(
      graph.emulator.requests().map((request) => [request.status, request.fault, request.retryAfterMs]),
    ).toEqual([[status, kind, null]]);
  });

  it.each([
    ["429", 429, "TooManyRequests"],
    ["503-retry-after", 503, "ServiceUnavailable"],
  ] as const)("%s answers %d with Retry-After in seconds", async (kind, status, code) => {
    graph = await startTestGraph({ faults: { rate: 1, kinds: [kind] } });
    const response = await graph.call("GET", COLLECTION);
    expect(response.status).toBe(status);
    expect(response.headers.get("retry-after")).toBe("1");
    expect(await errorCode(response)).toBe(code);
    graph.emulator.setFaults({ rate: 1, kinds: [kind], retryAfterSeconds: 5 });
    expect((await graph.call("GET", COLLECTION)).headers.get("retry-after")).toBe("5");
    expect(graph.emulator.requests().map((request) => request.retryAfterMs)).toEqual([1000, 5000]);
  });

  it("429-http-date answers Retry-After as an HTTP-date, rounded up to the next whole second", async () => {
    const clock = Date.UTC(2026, 10, 29, 12, 0, 0, 400);
    graph = await startTestGraph({
      now: () => clock,
      faults: { rate: 1, kinds: ["429-http-date"], retryAfterSeconds: 2 },
    });
    const response = await graph.call("GET", COLLECTION);
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("Sun, 29 Nov 2026 12:00:03 GMT");
    // Recorded as the wait the date means when the answer was sent: 2.6 s, not the 2 s configured.
    expect(graph.emulator.requests()[0]?.retryAfterMs).toBe(2600);
  });

  it("reset-before-response drops the connection and applies nothing", async () => {
    graph = await startTestGraph({ faults: { rate: 1, kinds: ["reset-before-response"] } });
    await expect(graph.call("POST", COLLECTION, createBody())).rejects.toMatchObject({
      cause: { code: "ECONNRESET" },
    });
    expect(graph.emulator.objects()).toEqual([]);
    expect(graph.emulator.requests().map((request) => [request.status, request.fault])).toEqual([
      [0, "reset-before-response"],
    ]);
  });

  it("reset-after-create applies the create, then drops the connection (the duplicate trap)", async () => {
    graph = await startTestGraph({ faults: { rate: 1, kinds: ["reset-after-create"] } });
    await expect(graph.call("POST", COLLECTION, createBody({ subjectName: "dup" }))).rejects.toThrow(
      TypeError,
    );
    expect(graph.emulator.objects().map((object) => object.subjectName)).toEqual(["dup"]);
    const list = await graph.call("GET", COLLECTION);
    expect(list.status).toBe(200);
    expect(
      graph.emulator.requests().map((request) => [request.method, request.status, request.fault]),
    ).toEqual([
      ["POST", 0, "reset-after-create"],
      ["GET", 200, null],
    ]);
  });

  it("reset-after-delete applies the delete, then drops the connection (the answer lost)", async () => {
    graph = await startTestGraph({ faults: { rate: 1, kinds: ["reset-after-delete"] } });
    const [object] = graph.emulator.seed([{ subjectName: "gone" }]);
    await expect(graph.call("DELETE", `${COLLECTION}/${object?.id}`)).rejects.toThrow(TypeError);
    expect(graph.emulator.objects()).toEqual([]);
    const retry = await graph.call("DELETE", `${COLLECTION}/${object?.id}`).catch((error: unknown) => error);
    expect(retry).toBeInstanceOf(TypeError);
    graph.emulator.setFaults(undefined);
    expect((await graph.call("DELETE", `${COLLECTION}/${object?.id}`)).status).toBe(404);
    expect(
      graph.emulator.requests().map((request) => [request.method, request.status, request.fault]),
    ).toEqual([
      ["DELETE", 0, "reset-after-delete"],
      ["DELETE", 0, "reset-after-delete"],
      ["DELETE", 404, null],
    ]);
  });

  it("latency delays the response, then serves it normally", async () => {
    graph = await startTestGraph({ faults: { rate: 1, kinds: ["latency"], latencyMs: 300 } });
    const started = performance.now();
    const response = await graph.call("POST", COLLECTION, createBody());
    expect(response.status).toBe(201);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(graph.emulator.objects().length).toBe(1);
    expect(graph.emulator.requests()[0]?.durationMs).toBeGreaterThanOrEqual(290);
    expect(graph.emulator.requests()[0]?.fault).toBe("latency");
  });

  it("latency still applies a create whose client gave up, when the delay ends (the timeout trap)", async () => {
    graph = await startTestGraph({ faults: { rate: 1, kinds: ["latency"], latencyMs: 400 } });
    const response = graph.call(
      "POST",
      COLLECTION,
      createBody({ subjectName: "late" }),
      {},
      AbortSignal.timeout(100),
    );
    await expect(response).rejects.toMatchObject({ name: "TimeoutError" });
    expect(graph.emulator.objects()).toEqual([]);
    await waitFor(() => graph.emulator.objects().length > 0);
    expect(graph.emulator.objects().map((object) => object.subjectName)).toEqual(["late"]);
    expect(graph.emulator.requests().map((request) => [request.status, request.fault])).toEqual([
      [201, "latency"],
    ]);
  });

  it("does not hold close() for a pending latency fault", async () => {
    graph = await startTestGraph({ faults: { rate: 1, kinds: ["latency"], latencyMs: 30_000 } });
    const pending = graph.call("GET", COLLECTION).catch((error: unknown) => error);
    await waitFor(() => graph.emulator.inFlight() === 1);
    const started = performance.now();
    await graph.emulator.close();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await pending).toBeInstanceOf(TypeError);
    await waitFor(() => graph.emulator.inFlight() === 0);
    graph = await startTestGraph();
  });

  it("is deterministic for a seed across emulator runs", async () => {
    const run = async (seed: number) => {
      graph = await startTestGraph({
        faults: { rate: 0.5, seed, kinds: ["500", "503", "429", "504", "reset-after-create"] },
      });
      for (let index = 0; index < 30; index++) {
        await graph
          .call(index % 2 === 0 ? "POST" : "GET", COLLECTION, index % 2 === 0 ? createBody() : undefined)
          .catch(() => undefined);
      }
      const outcome = graph.emulator
        .requests()
        .map((request) => `${request.method} ${request.status} ${request.fault}`);
      await graph.emulator.close();
      return outcome;
    };
    const first = await run(1234);
    expect(await run(1234)).toEqual(first);
    expect(await run(99)).not.toEqual(first);
    const faulted = first.filter((line) => !line.endsWith("null")).length;
    expect(faulted).toBeGreaterThan(5);
    expect(faulted).toBeLessThan(25);
    graph = await startTestGraph();
  });

  it("can be switched off and on at run time", async () => {
    graph = await startTestGraph({ faults: { rate: 1, kinds: ["500"] } });
    expect((await graph.call("GET", COLLECTION)).status).toBe(500);
    graph.emulator.setFaults(undefined);
    expect((await graph.call("GET", COLLECTION)).status).toBe(200);
    graph.emulator.setFaults({ rate: 1, kinds: ["502"] satisfies FaultKind[] });
    expect((await graph.call("GET", COLLECTION)).status).toBe(502);
  });

  it("checks the token before injecting faults", async () => {
    graph = await startTestGraph({ faults: { rate: 1, kinds: ["500"] } });
    const response = await fetch(`${graph.emulator.url}${COLLECTION}`);
    expect(response.status).toBe(401);
    expect(graph.emulator.requests()[0]?.fault).toBeNull();
  });
});
