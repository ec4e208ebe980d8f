import { COLLECTION, startTestGraph, type TestGraph } from "@intune-codesign/testkit/emulator";
import { afterEach, describe, expect, it } from "vitest";
import type { StoredObject } from "./types.js";

let graph: TestGraph;
afterEach(async () => {
  await graph.emulator.close();
});

interface ListPage {
  "@odata.context": string;
  "@odata.nextLink"?: string;
  value: Array<Record<string, unknown>>;
}

async function list(query: string): Promise<ListPage> {
  const response = await graph.call("GET", `${COLLECTION}?${query}`);
  expect(response.status).toBe(200);
  return (await response.json()) as ListPage;
}

/** Every page of a list, following next links; the subjects in the order served. */
async function subjects(query: string): Promise<string[]> {
  const seen: string[] = [];
  let page = await list(query);
  for (;;) {
    seen.push(...page.value.map((item) => String(item.subject)));
    const next = page["@odata.nextLink"];
    if (next === undefined) return seen;
    const response = await fetch(next, { headers: { authorization: `Bearer ${graph.token}` } });
    page = (await response.json()) as ListPage;
  }
}

async function badRequest(query: string): Promise<string> {
  const response = await graph.call("GET", `${COLLECTION}?${query}`);
  expect(response.status).toBe(400);
  const { error } = (await response.json()) as { error: { code: string; message: string } };
  expect(error.code).toBe("BadRequest");
  return error.message;
}

function seedFive(): StoredObject[] {
  return graph.emulator.seed([
    { subject: "CN=b", issuer: "CN=CA 1", expirationDateTime: "2027-01-01T00:00:00Z" },
    { subject: "CN=a", issuer: "CN=CA 2", expirationDateTime: "2028-01-01T00:00:00Z", status: "provisioned" },
    { subject: "CN=O'Brien", issuer: "CN=CA 1", expirationDateTime: "2026-06-01T00:00:00+02:00" },
    { subject: "CN=d", issuer: "CN=CA 1", expirationDateTime: "2029-01-01T00:00:00Z" },
    { subject: "CN=c", issuer: "CN=CA 2", expirationDateTime: "2027-06-01T00:00:00Z" },
  ]);
}

describe("query options", () => {
  it("$select returns only the named properties, on lists and on one object", async () => {
    graph = await startTestGraph();
    const [first] = seedFive();
    const page = await list("$select=id,subject");
    expect(page["@odata.context"]).toBe(
      `${graph.emulator.url}/$metadata#deviceAppManagement/enterpriseCodeSigningCertificates(id,subject)`,
    );
    expect(page.value[0]).toEqual({
      "@odata.type": "#microsoft.graph.enterpriseCodeSigningCertificate",
      id: first?.id,
      subject: "CN=b",
    });
    const one = await graph.call("GET", `${COLLECTION}/${first?.id}?$select=expirationDateTime`);
    expect(await one.json()).toEqual({
      "@odata.context": `${graph.emulator.url}/$metadata#deviceAppManagement/enterpriseCodeSigningCertificates(expirationDateTime)/$entity`,
      "@odata.type": "#microsoft.graph.enterpriseCodeSigningCertificate",
      expirationDateTime: "2027-01-01T00:00:00.0000000Z",
    });
    expect(await badRequest("$select=subject,thumbprint")).toBe(
      "Could not find a property named 'thumbprint' on type 'microsoft.graph.enterpriseCodeSigningCertificate'.",
    );
  });

  it("$filter: eq and ne on strings (quotes doubled), lt/gt/le/ge/eq on expiry as an instant, joined by and", async () => {
    graph = await startTestGraph();
    seedFive();
    expect(await subjects("$filter=subject eq 'CN=a'")).toEqual(["CN=a"]);
    expect(await subjects("$filter=subject eq 'CN=O''Brien'")).toEqual(["CN=O'Brien"]);
    expect(await subjects("$filter=issuer ne 'CN=CA 1'")).toEqual(["CN=a", "CN=c"]);
    expect(await subjects("$filter=status eq 'provisioned'")).toEqual(["CN=a"]);
    expect(await subjects("$filter=issuerName eq null")).toEqual([
      "CN=b",
      "CN=a",
      "CN=O'Brien",
      "CN=d",
      "CN=c",
    ]);
    expect(await subjects("$filter=expirationDateTime lt 2027-06-01T00:00:00Z")).toEqual([
      "CN=b",
      "CN=O'Brien",
    ]);
    expect(await subjects("$filter=expirationDateTime gt 2027-06-01T02:00:00%2B02:00")).toEqual([
      "CN=a",
      "CN=d",
    ]);
    expect(await subjects("$filter=expirationDateTime ge 2027-06-01T00:00:00.0000000Z")).toEqual([
      "CN=a",
      "CN=d",
      "CN=c",
    ]);
    expect(await subjects("$filter=expirationDateTime eq 2026-05-31T22:00:00Z")).toEqual(["CN=O'Brien"]);
    expect(
      await subjects("$filter=issuer eq 'CN=CA 1' and expirationDateTime gt 2026-12-31T00:00:00Z"),
    ).toEqual(["CN=b", "CN=d"]);
  });

  it.each([
    ["an unknown function", "startswith(subject,'CN')"],
    ["or", "subject eq 'CN=a' or subject eq 'CN=b'"],
    ["lt on a string", "subject lt 'CN=b'"],
    ["an unquoted string", "subject eq CN"],
    ["a quoted date", "expirationDateTime lt '2027-01-01T00:00:00Z'"],
    ["a date without offset", "expirationDateTime lt 2027-01-01T00:00:00"],
    ["a dangling and", "subject eq 'CN=a' and"],
  ])("$filter with %s is Graph's 400", async (_name, filter) => {
    graph = await startTestGraph();
    expect(await badRequest(`$filter=${encodeURIComponent(filter)}`)).toBe(
      `Invalid filter clause: '${filter}'.`,
    );
  });

  it("$filter on an unknown property names it", async () => {
    graph = await startTestGraph();
    expect(await badRequest("$filter=thumbprint eq 'x'")).toBe(
      "Could not find a property named 'thumbprint' on type 'microsoft.graph.enterpriseCodeSigningCertificate'.",
    );
  });

  it("$orderby sorts (asc, desc, several keys, nulls first) and pages the sorted list", async () => {
    graph = await startTestGraph({ pageSize: 2 });
    seedFive();
    // Code-unit order, as the emulator sorts: upper case before lower case.
    expect(await subjects("$orderby=subject")).toEqual(["CN=O'Brien", "CN=a", "CN=b", "CN=c", "CN=d"]);
    expect(await subjects("$orderby=expirationDateTime desc")).toEqual([
      "CN=d",
      "CN=a",
      "CN=c",
      "CN=b",
      "CN=O'Brien",
    ]);
    expect(await subjects("$orderby=issuer desc,subject asc")).toEqual([
      "CN=a",
      "CN=c",
      "CN=O'Brien",
      "CN=b",
      "CN=d",
    ]);
    const page = await list("$orderby=subject&$filter=issuer eq 'CN=CA 1'&$select=subject");
    expect(page["@odata.nextLink"]).toMatch(
      /\?\$select=subject&\$filter=issuer%20eq%20'CN%3DCA%201'&\$orderby=subject&\$skiptoken=/,
    );
    expect(await subjects("$orderby=subject&$filter=issuer eq 'CN=CA 1'&$select=subject")).toEqual([
      "CN=O'Brien",
      "CN=b",
      "CN=d",
    ]);
    expect(await badRequest("$orderby=subject sideways")).toBe(
      "Invalid $orderby expression: 'subject sideways'.",
    );
  });

  it("$skip and $top: skip the first matches, then pages of $top carry the filter on", async () => {
    graph = await startTestGraph();
    seedFive();
    expect(await subjects("$skip=2")).toEqual(["CN=O'Brien", "CN=d", "CN=c"]);
    expect(await subjects("$skip=1&$top=1&$filter=issuer eq 'CN=CA 1'")).toEqual(["CN=O'Brien", "CN=d"]);
    expect(await subjects("$skip=1&$top=2&$orderby=subject desc")).toEqual([
      "CN=c",
      "CN=b",
      "CN=a",
      "CN=O'Brien",
    ]);
    const topped = await list("$top=2&$filter=issuer eq 'CN=CA 2'");
    expect(topped.value.map((item) => item.subject)).toEqual(["CN=a", "CN=c"]);
    expect(topped["@odata.nextLink"]).toBeUndefined();
    expect(await badRequest("$skip=-1")).toBe("Invalid value '-1' for query option '$skip'.");
  });

  it.each([
    ["$count=true", "The query specified in the URI is not valid. Query option 'Count' is not allowed."],
    ["$search=x", "The query specified in the URI is not valid. Query option 'Search' is not allowed."],
    ["$levels=2", "The query parameter '$levels' is not supported."],
  ])("%s is Graph's 400", async (query, message) => {
    graph = await startTestGraph();
    expect(await badRequest(query)).toContain(message);
  });

  it("a single object takes $select only", async () => {
    graph = await startTestGraph();
    const [first] = seedFive();
    const response = await graph.call("GET", `${COLLECTION}/${first?.id}?$filter=subject eq 'x'`);
    expect(response.status).toBe(400);
  });
});
