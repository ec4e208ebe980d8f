import { makeCertificate } from "@intune-codesign/testkit/certificates";
import { COLLECTION, createBody, startTestGraph, type TestGraph } from "@intune-codesign/testkit/emulator";
import type { JsonName } from "@peculiar/x509";
import { afterEach, beforeAll, describe, expect, it } from "vitest";

let graph: TestGraph;
afterEach(async () => {
  await graph.emulator.close();
});

/** A certificate issued by a CA, with names in their DER order (the outermost RDN first). */
async function issued(subject: JsonName, issuer: JsonName, notAfter: Date): Promise<string> {
  const certificate = await makeCertificate({
    subject,
    issuerName: issuer,
    serialNumber: "01",
    notBefore: new Date("2025-01-01T00:00:00Z"),
    notAfter,
    eku: null,
  });
  return certificate.der.toString("base64");
}

let content: string;
let awkward: string;
beforeAll(async () => {
  content = await issued(
    [{ C: ["US"] }, { ST: ["Washington"] }, { O: ["Contoso, Ltd."] }, { CN: ["Contoso Code Signing"] }],
    [{ C: ["US"] }, { O: ["Contoso, Ltd."] }, { CN: ["Contoso Issuing CA 1"] }],
    new Date("2027-01-01T00:00:00Z"),
  );
  awkward = await issued(
    [
      { DC: ["com"] },
      { OU: ["Dev", "Ops"] },
      // An object value is taken as is; a string starting with # would be read as hex.
      { O: [{ utf8String: '#1 "quoted" \\ <team>; a+b' } as unknown as string] },
      { "2.5.4.5": ["SN\t42 "] },
      { E: ["signing@contoso.com"] },
      { CN: ["Outer"] },
      { CN: ["Inner"] },
    ],
    [{ O: ["No CN here"] }],
    new Date("2030-06-30T12:34:56Z"),
  );
});

/** What the client sends: its own renderings, which a rendering tenant ignores. */
const CLIENT_NAMES = {
  subject: 'CN=Contoso Code Signing, O="Contoso, Ltd.", S=Washington, C=US',
  subjectName: "client subject",
  issuer: 'CN=Contoso Issuing CA 1, O="Contoso, Ltd.", C=US',
  issuerName: "client issuer",
  expirationDateTime: "2027-01-01T01:00:00+01:00",
};

const TENANT_NAMES = {
  subject: "CN=Contoso Code Signing, O=Contoso\\, Ltd., ST=Washington, C=US",
  subjectName: "Contoso Code Signing",
  issuer: "CN=Contoso Issuing CA 1, O=Contoso\\, Ltd., C=US",
  issuerName: "Contoso Issuing CA 1",
  expirationDateTime: "2027-01-01T00:00:00.0000000Z",
};

async function read(id: string): Promise<Record<string, unknown>> {
  const response = await graph.call("GET", `${COLLECTION}/${id}`);
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

async function listed(id: string): Promise<Record<string, unknown> | undefined> {
  const page = (await (await graph.call("GET", COLLECTION)).json()) as {
    value: Array<Record<string, unknown>>;
  };
  return page.value.find((item) => item.id === id);
}

describe("renderNames: the tenant renders names itself", () => {
  it("at once: every answer shows the tenant's rendering, never the client's values, and reads give content null", async () => {
    graph = await startTestGraph({ renderNames: true, patchResponse: 200 });
    const created = await graph.call("POST", COLLECTION, createBody({ content, ...CLIENT_NAMES }));
    expect(created.status).toBe(201);
    const object = (await created.json()) as Record<string, unknown>;
    expect(object).toMatchObject({ ...TENANT_NAMES, content });
    const id = String(object.id);
    expect(await read(id)).toMatchObject({ ...TENANT_NAMES, content: null });
    expect(await listed(id)).toMatchObject({ ...TENANT_NAMES, content: null });

    const patched = await graph.call("PATCH", `${COLLECTION}/${id}`, {
      ...CLIENT_NAMES,
      subject: "CN=Other",
    });
    expect(await patched.json()).toMatchObject(TENANT_NAMES);
    expect(await read(id)).toMatchObject(TENANT_NAMES);
    expect(graph.emulator.objects()).toEqual([expect.objectContaining({ ...TENANT_NAMES, content })]);
  });

  it("late: the answer to a write echoes the client's values, later reads show the tenant's rendering", async () => {
    graph = await startTestGraph({ renderNames: "late", patchResponse: 200 });
    const created = await graph.call("POST", COLLECTION, createBody({ content, ...CLIENT_NAMES }));
    const object = (await created.json()) as Record<string, unknown>;
    expect(object).toMatchObject({ ...CLIENT_NAMES, expirationDateTime: "2027-01-01T00:00:00.0000000Z" });
    const id = String(object.id);
    expect(await listed(id)).toMatchObject({ ...TENANT_NAMES, content: null });
    expect(await read(id)).toMatchObject(TENANT_NAMES);

    const patched = await graph.call("PATCH", `${COLLECTION}/${id}`, { subject: "CN=Client again" });
    expect(await patched.json()).toMatchObject({ ...TENANT_NAMES, subject: "CN=Client again" });
    expect(await read(id)).toMatchObject(TENANT_NAMES);
  });

  it("renders in RFC 4514 order and escaping; the simple name is the most specific CN, null without one", async () => {
    graph = await startTestGraph({ renderNames: true });
    const created = await graph.call("POST", COLLECTION, createBody({ content: awkward }));
    expect(await created.json()).toMatchObject({
      subject:
        'CN=Inner, CN=Outer, E=signing@contoso.com, 2.5.4.5=SN\\0942\\ , O=\\#1 \\"quoted\\" \\\\ \\<team\\>\\; a\\+b, OU=Dev+OU=Ops, DC=com',
      subjectName: "Inner",
      issuer: "O=No CN here",
      issuerName: null,
      expirationDateTime: "2030-06-30T12:34:56.0000000Z",
    });
  });

  it("keeps the client's values for an object that has no content", async () => {
    graph = await startTestGraph({ renderNames: true });
    const created = await graph.call("POST", COLLECTION, createBody({ subject: "CN=No content" }));
    expect(await created.json()).toMatchObject({ subject: "CN=No content", subjectName: null });
  });

  it("is off by default: the client's values are kept", async () => {
    graph = await startTestGraph();
    const created = await graph.call("POST", COLLECTION, createBody({ content, ...CLIENT_NAMES }));
    const id = String(((await created.json()) as { id: string }).id);
    expect(await read(id)).toMatchObject({
      ...CLIENT_NAMES,
      expirationDateTime: "2027-01-01T00:00:00.0000000Z",
    });
  });
});
