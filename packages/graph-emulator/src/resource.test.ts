import {
  COLLECTION,
  certificateContent,
  createBody,
  startTestGraph,
  type TestGraph,
} from "@intune-codesign/testkit/emulator";
import { afterEach, describe, expect, it } from "vitest";

let graph: TestGraph;
afterEach(async () => {
  await graph.emulator.close();
});

describe("certificates resource over HTTP", () => {
  it("creates with 201, a new GUID and normalised dates, and reads back with content null", async () => {
    graph = await startTestGraph();
    const content = await certificateContent();
    const created = await graph.call("POST", COLLECTION, createBody({ content, subjectName: "Contoso" }));
    expect(created.status).toBe(201);
    expect(created.headers.get("request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const object = (await created.json()) as Record<string, unknown>;
    expect(object).toEqual({
      "@odata.context": `${graph.emulator.url}/$metadata#deviceAppManagement/enterpriseCodeSigningCertificates/$entity`,
      "@odata.type": "#microsoft.graph.enterpriseCodeSigningCertificate",
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      status: "notProvisioned",
      subjectName: "Contoso",
      subject: null,
      issuerName: null,
      issuer: null,
      expirationDateTime: "2027-11-29T22:38:25.0000000Z",
      uploadDateTime: "2026-11-29T08:00:00.5000000Z",
      content,
    });
    expect(created.headers.get("location")).toBe(`${graph.emulator.url}${COLLECTION}/${object.id}`);

    const read = await graph.call("GET", `${COLLECTION}/${object.id}`);
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual({ ...object, content: null });
    const { "@odata.context": _context, "@odata.type": _type, ...stored } = object;
    expect(graph.emulator.objects()).toEqual([stored]);
  });

  it("pages the list with an absolute @odata.nextLink and honours $top", async () => {
    graph = await startTestGraph({ pageSize: 2 });
    const seeded = graph.emulator.seed([{ subjectName: "a" }, { subjectName: "b" }, { subjectName: "c" }]);
    const first = await graph.call("GET", COLLECTION);
    const firstPage = (await first.json()) as {
      value: Array<{ id: string; content: null }>;
      "@odata.nextLink": string;
    };
    expect(firstPage.value.map((item) => item.id)).toEqual([seeded[0]?.id, seeded[1]?.id]);
    expect(firstPage["@odata.nextLink"]).toMatch(
      new RegExp(`^${graph.emulator.url.replace(/\./g, "\\.")}${COLLECTION}\\?\\$skiptoken=`),
    );
    const second = await fetch(firstPage["@odata.nextLink"], {
      headers: { authorization: `Bearer ${graph.token}` },
    });
    const secondPage = (await second.json()) as Record<string, unknown>;
    expect(secondPage).toEqual({
      "@odata.context": `${graph.emulator.url}/$metadata#deviceAppManagement/enterpriseCodeSigningCertificates`,
      value: [expect.objectContaining({ id: seeded[2]?.id, subjectName: "c", content: null })],
    });

    const topped = (await (await graph.call("GET", `${COLLECTION}?$top=1`)).json()) as Record<
      string,
      unknown
    >;
    expect((topped.value as unknown[]).length).toBe(1);
    expect(String(topped["@odata.nextLink"])).toContain(`${COLLECTION}?$top=1&$skiptoken=`);
    const large = (await (await graph.call("GET", `${COLLECTION}?$top=50`)).json()) as { value: unknown[] };
    expect(large.value.length).toBe(2);
    expect((await graph.call("GET", `${COLLECTION}?$top=abc`)).status).toBe(400);
    expect((await graph.call("GET", `${COLLECTION}?$skiptoken=garbage`)).status).toBe(400);
    const empty = (await (await graph.call("GET", `${COLLECTION}?$top=0`)).json()) as Record<string, unknown>;
    expect(empty.value).toEqual([]);
    expect(empty["@odata.nextLink"]).toBeUndefined();
    const expand = await graph.call("GET", `${COLLECTION}?$expand=x`);
    expect(expand.status).toBe(400);
    expect(((await expand.json()) as { error: { message: string } }).error.message).toContain(
      "Query option 'Expand' is not allowed.",
    );
  });

  it("keeps paging stable when an object of an earlier page is deleted", async () => {
    graph = await startTestGraph({ pageSize: 1 });
    const [a, b] = graph.emulator.seed([{ subjectName: "a" }, { subjectName: "b" }]);
    const first = (await (await graph.call("GET", COLLECTION)).json()) as { "@odata.nextLink": string };
    expect((await graph.call("DELETE", `${COLLECTION}/${a?.id}`)).status).toBe(204);
    const next = await fetch(first["@odata.nextLink"], {
      headers: { authorization: `Bearer ${graph.token}` },
    });
    expect(((await next.json()) as { value: Array<{ id: string }> }).value.map((item) => item.id)).toEqual([
      b?.id,
    ]);
  });

  it("alternates PATCH between 204 and 200 by default, and can be pinned", async () => {
    graph = await startTestGraph();
    const [object] = graph.emulator.seed([{ subjectName: "old" }]);
    const path = `${COLLECTION}/${object?.id}`;
    const first = await graph.call("PATCH", path, { subjectName: "new" });
    expect(first.status).toBe(204);
    expect(await first.text()).toBe("");
    const second = await graph.call("PATCH", path, { status: "provisioned", issuer: null });
    expect(second.status).toBe(200);
    expect(await second.json()).toMatchObject({
      id: object?.id,
      subjectName: "new",
      status: "provisioned",
      issuer: null,
    });
    expect((await graph.call("PATCH", path, {})).status).toBe(204);
    await graph.emulator.close();

    graph = await startTestGraph({ patchResponse: 200 });
    const [pinned] = graph.emulator.seed([{}]);
    for (let index = 0; index < 2; index++) {
      expect((await graph.call("PATCH", `${COLLECTION}/${pinned?.id}`, { subject: "CN=x" })).status).toBe(
        200,
      );
    }
  });

  it("deletes with 204, then answers 404 ResourceNotFound", async () => {
    graph = await startTestGraph();
    const [object] = graph.emulator.seed([{}]);
    const path = `${COLLECTION}/${object?.id}`;
    expect((await graph.call("DELETE", path)).status).toBe(204);
    expect(graph.emulator.objects()).toEqual([]);
    for (const [method, body] of [["GET"], ["PATCH", { subject: "x" }], ["DELETE"]] as const) {
      const response = await graph.call(method, path, body);
      expect(response.status).toBe(404);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("ResourceNotFound");
    }
  });

  it.each([COLLECTION, `${COLLECTION}/some-id`])(
    "answers v1.0%s as Graph v1.0 does: 400, the collection exists only in beta",
    async (path) => {
      graph = await startTestGraph();
      graph.emulator.seed([{}]);
      const response = await fetch(`${graph.emulator.rootUrl}/v1.0${path}`, {
        headers: { authorization: `Bearer ${graph.token}` },
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: unknown }).error).toMatchObject({
        code: "BadRequest",
        message: "Resource not found for the segment 'enterpriseCodeSigningCertificates'.",
      });
    },
  );

  it("answers unknown paths and methods like Graph, in Graph's error shape", async () => {
    graph = await startTestGraph();
    const unknown = await graph.call("GET", "/deviceAppManagement/somethingElse", undefined, {
      "client-request-id": "my-client-id",
    });
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get("client-request-id")).toBe("my-client-id");
    const requestId = unknown.headers.get("request-id");
    const body = (await unknown.json()) as { error: { innerError: { date: string } } };
    expect(body).toEqual({
      error: {
        code: "BadRequest",
        message: "Resource not found for the segment 'somethingElse'.",
        innerError: {
          "request-id": requestId,
          date: body.error.innerError.date,
          "client-request-id": "my-client-id",
        },
      },
    });
    expect(body.error.innerError.date).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);

    const version = await fetch(`${graph.emulator.rootUrl}/v2${COLLECTION}`, {
      headers: { authorization: `Bearer ${graph.token}` },
    });
    expect(version.status).toBe(400);
    expect(((await version.json()) as { error: { message: string } }).error.message).toBe(
      "Invalid version: v2",
    );

    const tooDeep = await graph.call("GET", `${COLLECTION}/some-id/extra`);
    expect(tooDeep.status).toBe(400);

    const put = await graph.call("PUT", COLLECTION, createBody());
    expect(put.status).toBe(405);
    expect(put.headers.get("allow")).toBe("GET, POST");
    expect(((await put.json()) as { error: { code: string } }).error.code).toBe("MethodNotAllowed");
    expect((await graph.call("POST", `${COLLECTION}/some-id`, createBody())).status).toBe(405);
  });

  it("records every request with status, fault, client-request-id and attempt", async () => {
    graph = await startTestGraph();
    await graph.call("GET", COLLECTION, undefined, { "client-request-id": "c-1", "x-attempt": "2" });
    await graph.call("GET", `${COLLECTION}/missing`, undefined, { "retry-attempt": "1" });
    const requests = graph.emulator.requests();
    expect(
      requests.map(({ method, path, status, fault, clientRequestId, attempt }) => ({
        method,
        path,
        status,
        fault,
        clientRequestId,
        attempt,
      })),
    ).toEqual([
      {
        method: "GET",
        path: `/beta${COLLECTION}`,
        status: 200,
        fault: null,
        clientRequestId: "c-1",
        attempt: "2",
      },
      {
        method: "GET",
        path: `/beta${COLLECTION}/missing`,
        status: 404,
        fault: null,
        clientRequestId: null,
        attempt: "1",
      },
    ]);
    expect(requests.every((request) => request.durationMs >= 0 && request.startedAt > 0)).toBe(true);
    expect(graph.emulator.tokenRequests()).toEqual([]);
  });
});
