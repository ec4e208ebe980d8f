import {
  COLLECTION,
  certificateContent,
  createBody,
  startTestGraph,
  type TestGraph,
} from "@intune-codesign/testkit/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let graph: TestGraph;
let content: string;
let existingPath: string;
beforeAll(async () => {
  graph = await startTestGraph({ writeLimit: null });
  content = await certificateContent();
  const [object] = graph.emulator.seed([{ subjectName: "existing" }]);
  existingPath = `${COLLECTION}/${object?.id}`;
});
afterAll(async () => {
  await graph.emulator.close();
});

async function expectBadRequest(response: Response, messagePart: string): Promise<void> {
  expect(response.status).toBe(400);
  const body = (await response.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe("BadRequest");
  expect(body.error.message).toContain(messagePart);
}

describe("body validation", () => {
  it.each([
    ["an unknown property", { displayName: "x" }, "'displayName' does not exist"],
    ["an id", { id: "00000000-0000-0000-0000-000000000000" }, "'id' is read-only"],
    ["a wrong @odata.type", { "@odata.type": "#microsoft.graph.certificate" }, "'@odata.type'"],
    ["an unknown status", { status: "pending" }, "'status'"],
    ["a numeric status", { status: 1 }, "'status'"],
    ["a null status", { status: null }, "'status'"],
    ["a non-string subject", { subject: 7 }, "'subject'"],
    ["a date without offset", { expirationDateTime: "2027-11-29T22:38:25" }, "'expirationDateTime'"],
    ["a null date", { uploadDateTime: null }, "'uploadDateTime'"],
    ["URL-safe base64 content", { content: "-_-_" }, "'content' must be standard base64"],
    ["unpadded base64 content", { content: "MIIB" + "A" }, "'content' must be standard base64"],
    ["empty content", { content: "" }, "'content' must be standard base64"],
    [
      "base64 of non-certificate bytes",
      { content: Buffer.from("hello world!").toString("base64") },
      "not a DER",
    ],
  ])("rejects %s on POST and PATCH with 400 BadRequest", async (_name, property, messagePart) => {
    await expectBadRequest(await graph.call("POST", COLLECTION, createBody(property)), messagePart);
    await expectBadRequest(await graph.call("PATCH", existingPath, property), messagePart);
  });

  it("rejects base64 of a PEM certificate and DER with trailing bytes", async () => {
    const pem = `-----BEGIN CERTIFICATE-----\n${content}\n-----END CERTIFICATE-----\n`;
    await expectBadRequest(
      await graph.call("POST", COLLECTION, createBody({ content: Buffer.from(pem).toString("base64") })),
      "not a DER",
    );
    const padded = Buffer.concat([Buffer.from(content, "base64"), Buffer.from([0])]).toString("base64");
    await expectBadRequest(
      await graph.call("POST", COLLECTION, createBody({ content: padded })),
      "not a DER",
    );
  });

  it("requires both DateTimeOffsets on POST but not on PATCH", async () => {
    await expectBadRequest(
      await graph.call("POST", COLLECTION, { uploadDateTime: "2026-01-01T00:00:00Z" }),
      "'expirationDateTime' is required",
    );
    await expectBadRequest(
      await graph.call("POST", COLLECTION, { expirationDateTime: "2026-01-01T00:00:00Z" }),
      "'uploadDateTime' is required",
    );
    expect((await graph.call("PATCH", existingPath, { content })).status).toBeLessThan(300);
    expect(graph.emulator.objects()[0]?.content).toBe(content);
  });

  it("rejects malformed JSON and non-object bodies", async () => {
    await expectBadRequest(await graph.call("POST", COLLECTION, "{not json"), "not valid JSON");
    await expectBadRequest(await graph.call("POST", COLLECTION, "[]"), "JSON object");
    await expectBadRequest(await graph.call("PATCH", existingPath, "null"), "JSON object");
  });

  it("answers 415 UnsupportedMediaType for a non-JSON Content-Type", async () => {
    for (const [method, path] of [
      ["POST", COLLECTION],
      ["PATCH", existingPath],
    ] as const) {
      const response = await graph.call(method, path, JSON.stringify(createBody()), {
        "content-type": "text/plain",
      });
      expect(response.status).toBe(415);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
        "UnsupportedMediaType",
      );
    }
    const charset = await graph.call("POST", COLLECTION, createBody(), {
      "content-type": "application/json; charset=utf-8",
    });
    expect(charset.status).toBe(201);
  });

  it("stores nothing for a rejected create", async () => {
    const before = graph.emulator.objects().length;
    await graph.call("POST", COLLECTION, createBody({ status: "bogus" }));
    expect(graph.emulator.objects().length).toBe(before);
  });
});
