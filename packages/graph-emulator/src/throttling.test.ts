import { afterEach, describe, expect, it } from "vitest";
import { COLLECTION, createBody, startTestGraph, type TestGraph } from "./test-helpers.js";

let graph: TestGraph;
afterEach(async () => {
  await graph.emulator.close();
});

describe("throttling per tenant and app", () => {
  it("answers 429 TooManyRequests with a fractional Retry-After from when the window frees a slot", async () => {
    let clock = 1_000_000;
    graph = await startTestGraph({
      now: () => clock,
      writeLimit: { limit: 3, windowMs: 500 },
      readLimit: null,
    });
    for (const offset of [0, 100, 200]) {
      clock = 1_000_000 + offset;
      expect((await graph.call("POST", COLLECTION, createBody())).status).toBe(201);
    }
    clock = 1_000_000 + 372;
    const throttled = await graph.call("POST", COLLECTION, createBody());
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get("retry-after")).toBe("0.128");
    expect(((await throttled.json()) as { error: { code: string } }).error.code).toBe("TooManyRequests");
    expect(graph.emulator.objects().length).toBe(3);

    clock = 1_000_000 + 500;
    const [first] = graph.emulator.objects();
    expect((await graph.call("DELETE", `${COLLECTION}/${first?.id}`)).status).toBe(204);
    const patch = await graph.call("PATCH", `${COLLECTION}/${first?.id}`, { subject: "x" });
    expect(patch.status).toBe(429);
    expect(patch.headers.get("retry-after")).toBe("0.1");
    expect(graph.emulator.requests().map((request) => request.status)).toEqual([
      201, 201, 201, 429, 204, 429,
    ]);
    expect(graph.emulator.requests().map((request) => request.retryAfterMs)).toEqual([
      null,
      null,
      null,
      128,
      null,
      100,
    ]);
  });

  it("counts reads separately from writes", async () => {
    let clock = 0;
    graph = await startTestGraph({
      now: () => clock,
      writeLimit: { limit: 1, windowMs: 500 },
      readLimit: { limit: 2, windowMs: 500 },
    });
    expect((await graph.call("POST", COLLECTION, createBody())).status).toBe(201);
    expect((await graph.call("POST", COLLECTION, createBody())).status).toBe(429);
    expect((await graph.call("GET", COLLECTION)).status).toBe(200);
    clock = 250;
    expect((await graph.call("GET", COLLECTION)).status).toBe(200);
    const read = await graph.call("GET", COLLECTION);
    expect(read.status).toBe(429);
    expect(read.headers.get("retry-after")).toBe("0.25");
  });

  it("counts each tenant and app on its own, and static tokens as one app", async () => {
    let clock = 0;
    graph = await startTestGraph({
      now: () => clock,
      readLimit: { limit: 1, windowMs: 1000 },
      staticTokens: ["static-a", "static-b"],
    });
    const get = (token: string) =>
      fetch(`${graph.emulator.url}${COLLECTION}`, { headers: { authorization: `Bearer ${token}` } });
    expect((await get(graph.token)).status).toBe(200);
    expect((await get(graph.emulator.issueToken())).status).toBe(429);
    expect((await get("static-a")).status).toBe(200);
    expect((await get("static-b")).status).toBe(429);
    clock = 1000;
    expect((await get("static-b")).status).toBe(200);
  });

  it("serves a client that waits the advertised Retry-After (real clock)", async () => {
    graph = await startTestGraph({ readLimit: { limit: 3, windowMs: 500 } });
    for (let index = 0; index < 3; index++) expect((await graph.call("GET", COLLECTION)).status).toBe(200);
    const throttled = await graph.call("GET", COLLECTION);
    expect(throttled.status).toBe(429);
    const seconds = Number(throttled.headers.get("retry-after"));
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThanOrEqual(0.5);
    expect(throttled.headers.get("retry-after")).toMatch(/^\d+(\.\d{1,3})?$/);
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    expect((await graph.call("GET", COLLECTION)).status).toBe(200);
  });

  it("applies the documented defaults: 100 writes per 20 s", async () => {
    graph = await startTestGraph({ now: () => 0 });
    const statuses: number[] = [];
    for (let index = 0; index < 101; index++) {
      const response = await graph.call("DELETE", `${COLLECTION}/missing`);
      statuses.push(response.status);
      if (response.status === 429) expect(response.headers.get("retry-after")).toBe("20");
    }
    expect(statuses.filter((status) => status === 404).length).toBe(100);
    expect(statuses.at(-1)).toBe(429);
  });
});
