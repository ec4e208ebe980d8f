import { getEventListeners } from "node:events";
import type { RunningEmulator } from "@intune-codesign/graph-emulator";
import { makeCertificateInfo } from "@intune-codesign/testkit/certificates";
import { listAll, requestLine, withEmulator } from "@intune-codesign/testkit/emulator";
import { afterEach, describe, expect, it } from "vitest";
import { buildBody } from "./body.js";
import { GraphError } from "./graph-error.js";

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

/** `count` objects already in the tenant, in listing order. */
function seedObjects(target: RunningEmulator, count: number) {
  return target.seed(
    Array.from({ length: count }, (_, i) => ({
      subject: `CN=Seed ${i}`,
      issuer: "CN=Seed CA",
      expirationDateTime: "2030-01-01T00:00:00Z",
    })),
  );
}

describe("GraphClient operations against the emulator", () => {
  it("creates with POST 201 and lists the object back", async () => {
    const setup = await withEmulator();
    emulator = setup.emulator;
    const client = setup.client();
    const body = buildBody(await makeCertificateInfo("Create One", "2027-11-29T22:38:25Z"), {
      now: new Date("2026-03-01T00:00:00Z"),
    });
    const created = await client.create(body);
    expect(created).toMatchObject({ attempts: 1, status: 201 });
    expect(created.object?.subject).toBe("CN=Create One, O=Contoso Test");
    const stored = emulator.objects();
    expect(stored).toHaveLength(1);
    expect(stored[0]?.content).toBe(body.content);
    const [fetched] = await listAll(client);
    expect(fetched?.id).toBe(created.id);
    expect(fetched?.issuer).toBe(body.issuer);
    expect(requestLine(emulator)).toEqual(["POST 201", "GET 200"]);
  });

  it("leaves nothing on the run's long-lived signal after its requests (no listener, no derived signal)", async () => {
    const setup = await withEmulator();
    emulator = setup.emulator;
    const run = new AbortController();
    const client = setup.client({ signal: run.signal });
    const created = await client.create(buildBody(await makeCertificateInfo("Signal Hygiene")));
    await client.update(created.id, buildBody(await makeCertificateInfo("Signal Hygiene")));
    await listAll(client);
    const dependants = Object.getOwnPropertySymbols(run.signal).filter((s) =>
      String(s).includes("Dependant"),
    );
    expect([getEventListeners(run.signal, "abort").length, dependants.length]).toEqual([0, 0]);
  });

  it("update of a missing id is a GraphError 404 after exactly one request", async () => {
    const setup = await withEmulator();
    emulator = setup.emulator;
    const error = await setup
      .client()
      .update("00000000-0000-0000-0000-000000000000", buildBody(await makeCertificateInfo("Gone")))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphError);
    expect(error).toMatchObject({ status: 404, attempts: 1 });
    expect((error as GraphError).requestId).toBe(emulator.requests()[0]?.id);
    expect(emulator.requests()).toHaveLength(1);
  });

  it.each([204, 200] as const)("update succeeds when PATCH answers %i", async (patchResponse) => {
    const setup = await withEmulator({ patchResponse });
    emulator = setup.emulator;
    const client = setup.client();
    const cert = await makeCertificateInfo("Patch Me");
    const created = await client.create(buildBody(cert, { status: "notProvisioned" }));
    const updated = await client.update(created.id, buildBody(cert));
    expect(updated.status).toBe(patchResponse);
    expect(updated.attempts).toBe(1);
    expect(updated.id).toBe(created.id);
    expect(updated.object === null).toBe(patchResponse === 204);
    if (patchResponse === 200) expect(updated.object?.status).toBe("provisioned");
    expect(emulator.objects()[0]?.status).toBe("provisioned");
  });

  it("list follows every @odata.nextLink across pages", async () => {
    const setup = await withEmulator({ pageSize: 3 });
    emulator = setup.emulator;
    const seeded = seedObjects(emulator, 8);
    const listed = await listAll(setup.client());
    expect(listed.map((r) => r.id)).toEqual(seeded.map((s) => s.id));
    expect(listed.map((r) => r.subject)).toEqual(seeded.map((s) => s.subject));
    expect(requestLine(emulator)).toEqual(["GET 200", "GET 200", "GET 200"]);
  });

  it("listPages yields each page as it arrives: the next is asked for only when the caller wants it", async () => {
    const setup = await withEmulator({ pageSize: 3 });
    emulator = setup.emulator;
    seedObjects(emulator, 7);
    const sizes: Array<[number, number]> = [];
    for await (const page of setup.client().listPages())
      sizes.push([page.length, emulator.requests().length]);
    expect(sizes).toEqual([
      [3, 1],
      [3, 2],
      [1, 3],
    ]);
  });

  it("list of an empty tenant is one request and no objects", async () => {
    const setup = await withEmulator();
    emulator = setup.emulator;
    expect(await listAll(setup.client())).toEqual([]);
    expect(emulator.requests()).toHaveLength(1);
  });

  it("a non-retryable 400 aborts after exactly one request, with Graph's code and request-id", async () => {
    const setup = await withEmulator();
    emulator = setup.emulator;
    const body = buildBody(await makeCertificateInfo("Bad Body"));
    const error = await setup
      .client()
      .create({ ...body, content: "not base64!" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphError);
    expect(error).toMatchObject({ status: 400, code: "BadRequest", attempts: 1 });
    expect((error as GraphError).requestId).toBe(emulator.requests()[0]?.id);
    expect(requestLine(emulator)).toEqual(["POST 400"]);
    expect(emulator.objects()).toEqual([]);
  });
});
