import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { makeCertificateInfo } from "@intune-codesign/testkit/certificates";
import { listAll, TEST_TOKEN } from "@intune-codesign/testkit/emulator";
import { afterEach, describe, expect, it } from "vitest";
import { buildBody } from "./body.js";
import { GraphClient } from "./client.js";
import { GraphError } from "./graph-error.js";

let server: Server | undefined;
afterEach(() => {
  server?.close();
  server = undefined;
});

/** A loopback server that answers every request with `status` and the raw `body`; counts the requests. */
async function answering(status: number, body: string) {
  const arrivals: string[] = [];
  server = createServer((request, response) => {
    arrivals.push(request.method ?? "");
    request.resume();
    response.writeHead(status, { "content-type": "application/json", "request-id": "header-id" });
    response.end(body);
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const client = new GraphClient({
    baseUrl: `http://127.0.0.1:${port}/beta`,
    tokenProvider: { getToken: async () => TEST_TOKEN },
  });
  return { client, arrivals };
}

const INVALID = "Graph's answer is not what the API promises";

describe("a malformed answer is a typed GraphError, never a crash", () => {
  it.each([
    ["no value", JSON.stringify({ items: [] })],
    ["a value that is no array", JSON.stringify({ value: "none" })],
    ["a body that is no JSON", "<html>gateway</html>"],
    ["a JSON null", "null"],
  ])("a listing page with %s", async (_, body) => {
    const { client, arrivals } = await answering(200, body);
    const error = await listAll(client).catch((x: unknown) => x);
    expect(error).toBeInstanceOf(GraphError);
    expect(error).toMatchObject({
      status: 200,
      code: "invalidResponse",
      message: `${INVALID}: no value array`,
      attempts: 1,
    });
    expect(arrivals).toEqual(["GET"]);
  });

  it("a listing page keeps its objects with an id, reads odd fields as null and ends at a non-string nextLink", async () => {
    const page = {
      value: [{ id: "a", subject: 5, status: null }, { subject: "no id" }, "x"],
      "@odata.nextLink": 7,
    };
    const { client, arrivals } = await answering(200, JSON.stringify(page));
    expect(await listAll(client)).toEqual([
      {
        id: "a",
        status: "",
        subjectName: null,
        subject: null,
        issuerName: null,
        issuer: null,
        expirationDateTime: null,
        uploadDateTime: null,
        content: null,
      },
    ]);
    expect(arrivals).toEqual(["GET"]);
  });

  it("a created object without an id", async () => {
    const { client } = await answering(201, JSON.stringify({ id: 12, subject: "CN=x" }));
    const body = buildBody(await makeCertificateInfo("Malformed Create"));
    const error = await client.create(body).catch((x: unknown) => x);
    expect(error).toBeInstanceOf(GraphError);
    expect(error).toMatchObject({
      status: 201,
      code: "invalidResponse",
      message: `${INVALID}: no object id`,
    });
  });

  it.each([
    ["an error that is a string", { error: "conflict" }],
    ["fields of the wrong types", { error: { code: 7, message: ["x"], innererror: "y" } }],
    ["no error at all", [1, 2]],
  ])("an error body with %s: Graph's status, the header's request-id", async (_, body) => {
    const { client, arrivals } = await answering(409, JSON.stringify(body));
    const error = await client.delete("some-id").catch((x: unknown) => x);
    expect(error).toBeInstanceOf(GraphError);
    expect(error).toMatchObject({
      status: 409,
      code: "unknownError",
      message: "Graph answered HTTP 409",
      requestId: "header-id",
      attempts: 1,
    });
    expect(arrivals).toEqual(["DELETE"]);
  });

  it("an error body's request-id is read from innererror when innerError is not an object", async () => {
    const body = {
      error: { code: "Conflict", message: "exists", innerError: 3, innererror: { "request-id": "body-id" } },
    };
    const { client } = await answering(409, JSON.stringify(body));
    const error = await client.delete("some-id").catch((x: unknown) => x);
    expect(error).toMatchObject({ status: 409, code: "Conflict", message: "exists", requestId: "body-id" });
  });
});
