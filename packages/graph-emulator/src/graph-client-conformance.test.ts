import { readFileSync } from "node:fs";
import {
  COLLECTION,
  certificateContent,
  createBody,
  startTestGraph,
  type TestGraph,
} from "@intune-codesign/testkit/emulator";
import { Client, GraphError as ClientGraphError, PageIterator } from "@microsoft/microsoft-graph-client";
import { Agent, type Dispatcher, getGlobalDispatcher, setGlobalDispatcher } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Microsoft's own Graph JS client is the judge: what it can do against the emulator, it can do against Graph.
let graph: TestGraph;
let client: Client;
let agent: Agent;
let previousDispatcher: Dispatcher;

beforeAll(async () => {
  graph = await startTestGraph({ https: true, pageSize: 2 });
  // The client sends its token only to https hosts it knows: Graph's own, or those in customHosts.
  agent = new Agent({ connect: { ca: readFileSync(graph.emulator.caCertPath ?? "", "utf8") } });
  // Node's fetch takes its dispatcher from the global undici slot; setting it there keeps the types whole, where a
  // per-request `dispatcher` of undici 7's type does not fit Node's bundled undici-types 6 RequestInit.
  previousDispatcher = getGlobalDispatcher();
  setGlobalDispatcher(agent);
  client = Client.initWithMiddleware({
    authProvider: { getAccessToken: async () => graph.token },
    baseUrl: `${graph.emulator.rootUrl}/`,
    defaultVersion: "beta",
    customHosts: new Set([new URL(graph.emulator.rootUrl).hostname]),
  });
});

afterAll(async () => {
  setGlobalDispatcher(previousDispatcher);
  await graph.emulator.close();
  await agent.close();
});

interface Certificate {
  id: string;
  subject: string | null;
  content: string | null;
}

describe("conformance with @microsoft/microsoft-graph-client", () => {
  it("creates, gets, patches and deletes", async () => {
    const content = await certificateContent();
    const created = (await client
      .api(COLLECTION)
      .post(createBody({ content, subject: "CN=Created" }))) as Certificate;
    expect(created).toMatchObject({ subject: "CN=Created", content });
    const read = (await client.api(`${COLLECTION}/${created.id}`).get()) as Certificate;
    expect(read).toMatchObject({ id: created.id, subject: "CN=Created", content: null });

    await client.api(`${COLLECTION}/${created.id}`).patch({ subject: "CN=Patched" });
    await client.api(`${COLLECTION}/${created.id}`).patch({ subject: "CN=Patched again" });
    expect(((await client.api(`${COLLECTION}/${created.id}`).get()) as Certificate).subject).toBe(
      "CN=Patched again",
    );

    await client.api(`${COLLECTION}/${created.id}`).delete();
    const gone = await client
      .api(`${COLLECTION}/${created.id}`)
      .get()
      .catch((error: unknown) => error);
    expect(gone).toBeInstanceOf(ClientGraphError);
    expect(gone).toMatchObject({ statusCode: 404, code: "ResourceNotFound" });
  });

  it("pages with PageIterator through every object, two a page", async () => {
    const seeded = graph.emulator.seed(
      Array.from({ length: 5 }, (_, index) => ({ subject: `CN=Paged ${index}`, issuer: "CN=Paging CA" })),
    );
    const seen: string[] = [];
    const first = await client.api(COLLECTION).filter("issuer eq 'CN=Paging CA'").get();
    const iterator = new PageIterator(client, first, (item: Certificate) => {
      seen.push(item.id);
      return true;
    });
    await iterator.iterate();
    expect(seen).toEqual(seeded.map((object) => object.id));
  });

  it("selects and filters", async () => {
    const [object] = graph.emulator.seed([{ subject: "CN=Selected", issuer: "CN=Select CA" }]);
    const page = (await client
      .api(COLLECTION)
      .select(["id", "subject"])
      .filter("subject eq 'CN=Selected' and expirationDateTime gt 2020-01-01T00:00:00Z")
      .get()) as { value: unknown[] };
    expect(page.value).toEqual([
      {
        "@odata.type": "#microsoft.graph.enterpriseCodeSigningCertificate",
        id: object?.id,
        subject: "CN=Selected",
      },
    ]);
  });

  it("gets v1.0's 400: the collection exists only in beta", async () => {
    const error = await client
      .api(COLLECTION)
      .version("v1.0")
      .get()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ClientGraphError);
    expect(error).toMatchObject({
      statusCode: 400,
      code: "BadRequest",
      message: "Resource not found for the segment 'enterpriseCodeSigningCertificates'.",
    });
  });
});
