import { COLLECTION } from "@intune-codesign/testkit/emulator";
import { afterEach, describe, expect, it } from "vitest";
import { startEmulator } from "./emulator.js";
import type { RunningEmulator } from "./types.js";

let emulator: RunningEmulator;
afterEach(async () => {
  await emulator.close();
});

const GRAPH_SCOPE = "https://graph.microsoft.com/.default";

function requestToken(url: string, form: Record<string, string>): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form),
  });
}

function list(token: string | null): Promise<Response> {
  return fetch(
    `${emulator.url}${COLLECTION}`,
    token === null ? {} : { headers: { authorization: `Bearer ${token}` } },
  );
}

async function errorOf(response: Response): Promise<{ code: string; message: string }> {
  return ((await response.json()) as { error: { code: string; message: string } }).error;
}

describe("token endpoint", () => {
  it("issues a bearer token for a configured client that Graph then accepts", async () => {
    emulator = await startEmulator({ tokenLifetimeSeconds: 600 });
    const response = await requestToken(emulator.tokenUrl, {
      grant_type: "client_credentials",
      client_id: "emulator-client",
      client_secret: "emulator-secret",
      scope: GRAPH_SCOPE,
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toEqual({
      token_type: "Bearer",
      expires_in: 600,
      ext_expires_in: 600,
      access_token: expect.any(String),
    });
    expect((await list(String(body.access_token))).status).toBe(200);
    expect(emulator.tokenRequests().map(({ method, path, status }) => ({ method, path, status }))).toEqual([
      { method: "POST", path: "/emulator-tenant/oauth2/v2.0/token", status: 200 },
    ]);
  });

  it.each([
    ["a wrong secret", { client_secret: "wrong" }, 401, "invalid_client", 7000215],
    ["no secret", { client_secret: undefined }, 401, "invalid_client", 7000218],
    ["an unknown client", { client_id: "someone-else" }, 400, "unauthorized_client", 700016],
    ["another grant type", { grant_type: "password" }, 400, "unsupported_grant_type", 70003],
    [
      "a scope without /.default",
      { scope: "https://graph.microsoft.com/User.Read" },
      400,
      "invalid_scope",
      1002012,
    ],
  ])("rejects %s like Entra ID", async (_name, override, status, error, aadsts) => {
    emulator = await startEmulator();
    const form: Record<string, string | undefined> = {
      grant_type: "client_credentials",
      client_id: "emulator-client",
      client_secret: "emulator-secret",
      scope: GRAPH_SCOPE,
      ...override,
    };
    const defined = Object.fromEntries(
      Object.entries(form).filter((entry): entry is [string, string] => !!entry[1]),
    );
    const response = await requestToken(emulator.tokenUrl, defined);
    expect(response.status).toBe(status);
    const body = (await response.json()) as {
      error: string;
      error_description: string;
      error_codes: number[];
    };
    expect(body.error).toBe(error);
    expect(body.error_codes).toEqual([aadsts]);
    expect(body.error_description).toMatch(new RegExp(`^AADSTS${aadsts}: `));
    expect(JSON.stringify(body)).not.toContain("emulator-secret");
  });

  it("rejects an unknown tenant with 400 invalid_request", async () => {
    emulator = await startEmulator();
    const response = await requestToken(`${emulator.rootUrl}/other-tenant/oauth2/v2.0/token`, {
      grant_type: "client_credentials",
      client_id: "emulator-client",
      client_secret: "emulator-secret",
      scope: GRAPH_SCOPE,
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe("invalid_request");
  });

  it("answers 405 to a GET and 400 to a non-form body on the token endpoint", async () => {
    emulator = await startEmulator();
    const get = await fetch(emulator.tokenUrl);
    expect(get.status).toBe(405);
    expect(((await get.json()) as { error_codes: number[] }).error_codes).toEqual([900561]);
    const json = await fetch(emulator.tokenUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ grant_type: "client_credentials" }),
    });
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ error: "invalid_request", error_codes: [900144] });
    expect(emulator.tokenRequests().map((request) => request.status)).toEqual([405, 400]);
  });

  it("serves configured clients per tenant", async () => {
    emulator = await startEmulator({
      clients: [
        { tenantId: "t1", clientId: "c1", clientSecret: "s1" },
        { tenantId: "t2", clientId: "c2", clientSecret: "s2" },
      ],
    });
    expect(emulator.tokenUrl).toBe(`${emulator.rootUrl}/t1/oauth2/v2.0/token`);
    const form = { grant_type: "client_credentials", scope: GRAPH_SCOPE };
    expect(
      (
        await requestToken(`${emulator.rootUrl}/t2/oauth2/v2.0/token`, {
          ...form,
          client_id: "c2",
          client_secret: "s2",
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await requestToken(`${emulator.rootUrl}/t2/oauth2/v2.0/token`, {
          ...form,
          client_id: "c1",
          client_secret: "s1",
        })
      ).status,
    ).toBe(400);
  });

  it("publishes OpenID configuration and answers instance discovery", async () => {
    emulator = await startEmulator();
    const config = await fetch(`${emulator.rootUrl}/emulator-tenant/v2.0/.well-known/openid-configuration`);
    expect(config.status).toBe(200);
    expect(await config.json()).toMatchObject({
      token_endpoint: emulator.tokenUrl,
      issuer: `${emulator.rootUrl}/emulator-tenant/v2.0`,
      authorization_endpoint: `${emulator.rootUrl}/emulator-tenant/oauth2/v2.0/authorize`,
      jwks_uri: `${emulator.rootUrl}/emulator-tenant/discovery/v2.0/keys`,
    });
    expect((await fetch(`${emulator.rootUrl}/nobody/v2.0/.well-known/openid-configuration`)).status).toBe(
      400,
    );
    const discovery = await fetch(`${emulator.rootUrl}/common/discovery/instance?api-version=1.1`);
    expect(discovery.status).toBe(200);
    const host = new URL(emulator.rootUrl).host;
    expect(await discovery.json()).toMatchObject({
      metadata: [{ preferred_network: host, aliases: [host] }],
    });
  });
});

describe("Graph authentication", () => {
  it("answers 401 InvalidAuthenticationToken for a missing, malformed or unknown token", async () => {
    emulator = await startEmulator();
    const missing = await list(null);
    expect(missing.status).toBe(401);
    expect(await errorOf(missing)).toEqual({
      code: "InvalidAuthenticationToken",
      message: "Access token is empty.",
      innerError: expect.any(Object),
    });
    expect(missing.headers.get("www-authenticate")).toMatch(/^Bearer realm=""/);
    const basic = await fetch(`${emulator.url}${COLLECTION}`, { headers: { authorization: "Basic abc" } });
    expect(basic.status).toBe(401);
    const unknown = await list("not-a-token-we-issued");
    expect(unknown.status).toBe(401);
    expect((await errorOf(unknown)).code).toBe("InvalidAuthenticationToken");
    expect(emulator.requests().map((request) => request.status)).toEqual([401, 401, 401]);
  });

  it("expires tokens after their lifetime", async () => {
    let clock = Date.UTC(2026, 0, 1);
    emulator = await startEmulator({ now: () => clock, tokenLifetimeSeconds: 60 });
    const token = emulator.issueToken();
    const shortLived = emulator.issueToken({ lifetimeSeconds: 10 });
    expect((await list(token)).status).toBe(200);
    clock += 10_000;
    const expired = await list(shortLived);
    expect(expired.status).toBe(401);
    expect(await errorOf(expired)).toMatchObject({
      code: "InvalidAuthenticationToken",
      message: "Lifetime validation failed, the token is expired.",
    });
    expect((await list(token)).status).toBe(200);
    clock += 50_000;
    expect((await list(token)).status).toBe(401);
  });

  it("accepts static tokens without expiry", async () => {
    let clock = 0;
    emulator = await startEmulator({ now: () => clock, staticTokens: ["static-one"] });
    clock = 10 * 365 * 24 * 3600 * 1000;
    expect((await list("static-one")).status).toBe(200);
  });
});
