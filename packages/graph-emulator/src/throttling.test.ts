import { COLLECTION, createBody, startTestGraph, type TestGraph } from "@intune-codesign/testkit/emulator";
import { afterEach, describe, expect, it } from "vitest";

let graph: TestGraph;
afterEach(async () => {
  await graph.emulator.close();
});

/** Three apps of one tenant and one app of another, all accepted by the token endpoint. */
const CLIENTS = [
  { tenantId: "tenant-1", clientId: "app-a", clientSecret: "a" },
  { tenantId: "tenant-1", clientId: "app-b", clientSecret: "b" },
  { tenantId: "tenant-1", clientId: "app-c", clientSecret: "c" },
  { tenantId: "tenant-2", clientId: "app-d", clientSecret: "d" },
];

function send(method: string, token: string, path = `${COLLECTION}/missing`): Promise<Response> {
  return fetch(`${graph.emulator.url}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
}

describe("throttling per tenant and app", () => {
  it("answers 429 TooManyRequests with a fractional Retry-After, counting the throttled request too", async () => {
    let clock = 1_000_000;
    graph = await startTestGraph({
      now: () => clock,
      writeLimit: { limit: 3, windowMs: 500 },
      requestLimit: null,
    });
    for (const offset of [0, 100, 200]) {
      clock = 1_000_000 + offset;
      expect((await graph.call("POST", COLLECTION, createBody())).status).toBe(201);
    }
    clock = 1_000_000 + 372;
    const throttled = await graph.call("POST", COLLECTION, createBody());
    expect(throttled.status).toBe(429);
    // Counted itself, the throttled POST leaves room for a retry once the writes at 0 and 100 are 500 ms old.
    expect(throttled.headers.get("retry-after")).toBe("0.228");
    expect(((await throttled.json()) as { error: unknown }).error).toMatchObject({
      code: "TooManyRequests",
      message: "Too many write requests for this app and tenant.",
    });
    expect(graph.emulator.objects().length).toBe(3);

    clock = 1_000_000 + 599;
    const [first] = graph.emulator.objects();
    const early = await graph.call("DELETE", `${COLLECTION}/${first?.id}`);
    expect(early.status).toBe(429);
    clock = 1_000_000 + 800;
    expect((await graph.call("DELETE", `${COLLECTION}/${first?.id}`)).status).toBe(204);
    expect(graph.emulator.requests().map((request) => request.status)).toEqual([
      201, 201, 201, 429, 429, 204,
    ]);
    expect(graph.emulator.requests().map((request) => request.retryAfterMs)).toEqual([
      null,
      null,
      null,
      228,
      101,
      null,
    ]);
  });

  it("counts writes against the limit on requests of any kind", async () => {
    let clock = 0;
    graph = await startTestGraph({
      now: () => clock,
      writeLimit: { limit: 2, windowMs: 500 },
      requestLimit: { limit: 3, windowMs: 500 },
    });
    expect((await graph.call("POST", COLLECTION, createBody())).status).toBe(201);
    clock = 100;
    expect((await graph.call("POST", COLLECTION, createBody())).status).toBe(201);
    clock = 200;
    expect((await graph.call("GET", COLLECTION)).status).toBe(200);
    clock = 250;
    const read = await graph.call("GET", COLLECTION);
    expect(read.status).toBe(429);
    expect(read.headers.get("retry-after")).toBe("0.35");
    expect(((await read.json()) as { error: { message: string } }).error.message).toBe(
      "Too many requests for this app and tenant.",
    );
  });

  it("counts each tenant and app on its own, and static tokens as one app", async () => {
    let clock = 0;
    graph = await startTestGraph({
      now: () => clock,
      requestLimit: { limit: 1, windowMs: 1000 },
      staticTokens: ["static-a", "static-b"],
    });
    expect((await send("GET", graph.token, COLLECTION)).status).toBe(200);
    expect((await send("GET", graph.emulator.issueToken(), COLLECTION)).status).toBe(429);
    expect((await send("GET", "static-a", COLLECTION)).status).toBe(200);
    expect((await send("GET", "static-b", COLLECTION)).status).toBe(429);
    clock = 1000;
    expect((await send("GET", "static-b", COLLECTION)).status).toBe(200);
  });

  it("limits a tenant's writes across its apps, by default to twice one app's", async () => {
    graph = await startTestGraph({
      now: () => 0,
      clients: CLIENTS,
      writeLimit: { limit: 2, windowMs: 1000 },
    });
    const [a, b, c, d] = CLIENTS.map((client) => graph.emulator.issueToken({ clientId: client.clientId }));
    const statuses = [];
    for (const token of [a, a, b, b, c, d]) statuses.push((await send("DELETE", token ?? "")).status);
    expect(statuses).toEqual([404, 404, 404, 404, 429, 404]);
    const throttled = await send("DELETE", c ?? "");
    expect(((await throttled.json()) as { error: { message: string } }).error.message).toBe(
      "Too many write requests for this tenant.",
    );
  });

  it("takes the tenant-wide limits as configured", async () => {
    graph = await startTestGraph({
      now: () => 0,
      clients: CLIENTS,
      tenantWriteLimit: { limit: 1, windowMs: 1000 },
      tenantRequestLimit: { limit: 3, windowMs: 1000 },
    });
    const [a, b] = CLIENTS.map((client) => graph.emulator.issueToken({ clientId: client.clientId }));
    expect((await send("DELETE", a ?? "")).status).toBe(404);
    expect((await send("DELETE", b ?? "")).status).toBe(429);
    expect((await send("GET", b ?? "", COLLECTION)).status).toBe(200);
    const read = await send("GET", a ?? "", COLLECTION);
    expect(read.status).toBe(429);
    expect(((await read.json()) as { error: { message: string } }).error.message).toBe(
      "Too many requests for this tenant.",
    );
  });

  it("serves a client that waits the advertised Retry-After (real clock)", async () => {
    graph = await startTestGraph({ requestLimit: { limit: 3, windowMs: 500 } });
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

  it("applies Intune's documented limits by default: 100 and 200 writes, 1000 and 2000 requests per 20 s", async () => {
    graph = await startTestGraph({ now: () => 0, clients: CLIENTS });
    const [a, b, c] = CLIENTS.map((client) => graph.emulator.issueToken({ clientId: client.clientId }));
    const statuses = async (method: string, token: string, count: number, path?: string) => {
      const seen = new Map<number, number>();
      for (let index = 0; index < count; index++) {
        const response = await send(method, token, path);
        seen.set(response.status, (seen.get(response.status) ?? 0) + 1);
        if (response.status === 429) expect(response.headers.get("retry-after")).toBe("20");
      }
      return Object.fromEntries(seen);
    };
    expect(await statuses("DELETE", a ?? "", 101)).toEqual({ 404: 100, 429: 1 });
    // a's throttled write counts in the tenant too: b's 100th write is the tenant's 201st.
    expect(await statuses("DELETE", b ?? "", 100)).toEqual({ 404: 99, 429: 1 });
    expect(await statuses("DELETE", c ?? "", 1)).toEqual({ 429: 1 });
    // a has used 101 of its 1000 requests, b 100, c 1; a's 1001st is throttled: 1102 in the tenant.
    expect(await statuses("GET", a ?? "", 900, COLLECTION)).toEqual({ 200: 899, 429: 1 });
    // b stays within its own 1000 but brings the tenant past 2000.
    expect(await statuses("GET", b ?? "", 900, COLLECTION)).toEqual({ 200: 898, 429: 2 });
  });
});
