import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { DEFAULT_CLIENT, type RunningEmulator, startEmulator } from "@intune-codesign/graph-emulator";
import { afterEach, describe, expect, it } from "vitest";
import { type AuthOptions, createTokenProvider } from "./auth.js";
import { ConfigError } from "./config-error.js";
import { NetworkError } from "./network-error.js";

const dir = mkdtempSync(join(tmpdir(), "uploader-auth-"));
const SCOPE = "https://graph.microsoft.com/.default";

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

describe("createTokenProvider: choosing a credential", () => {
  it("a token file gives its first line and is re-read on a forced refresh", async () => {
    const path = file("token", "first-token\r\nignored\n");
    const provider = createTokenProvider({ accessTokenFile: path, scope: SCOPE, env: {} });
    expect(await provider.getToken()).toBe("first-token");
    writeFileSync(path, "second-token\n");
    expect(await provider.getToken()).toBe("first-token");
    expect(await provider.getToken({ forceRefresh: true })).toBe("second-token");
  });

  it.each<[string, Partial<AuthOptions>, NodeJS.ProcessEnv, RegExp]>([
    ["nothing configured", {}, {}, /No credential configured/],
    ["a secret without tenant", { clientId: "c", clientSecret: "s" }, {}, /tenant id and a client id/],
    [
      "a secret from env without client id",
      {},
      { AZURE_TENANT_ID: "t", AZURE_CLIENT_SECRET: "s" },
      /client id/,
    ],
    ["an empty secret file", { tenantId: "t", clientId: "c", clientSecretFile: "EMPTY" }, {}, /is empty/],
    [
      "a bad authority host",
      { tenantId: "t", clientId: "c", clientSecret: "s", authorityHost: "nope" },
      {},
      /Authority/,
    ],
  ])("%s is a ConfigError", (_, options, env, message) => {
    const secretFile = options.clientSecretFile === "EMPTY" ? { clientSecretFile: file("empty", "\n") } : {};
    const call = () => createTokenProvider({ ...options, ...secretFile, scope: SCOPE, env });
    expect(call).toThrow(ConfigError);
    expect(call).toThrow(message);
  });

  it("an authority whose TLS certificate is untrusted is a NetworkError (tls, naming the host), not the credential's fault", async () => {
    emulator = await startEmulator({ https: true });
    const provider = createTokenProvider({
      tenantId: DEFAULT_CLIENT.tenantId,
      clientId: DEFAULT_CLIENT.clientId,
      clientSecret: "wrong-secret-value",
      authorityHost: emulator.rootUrl,
      scope: SCOPE,
      env: {},
    });
    const error = await provider.getToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ kind: "tls", host: new URL(emulator.rootUrl).host, proxy: null });
    expect((error as Error).message).toContain(`could not reach ${new URL(emulator.rootUrl).host}`);
    expect((error as Error).message).toContain("NODE_EXTRA_CA_CERTS");
    expect(String((error as Error).message)).not.toContain("wrong-secret-value");
  });
});

const execFileAsync = promisify(execFile);
const DIST_INDEX = fileURLToPath(new URL("../dist/index.js", import.meta.url));

/** Runs a script in a fresh Node that trusts the emulator's CA, as @azure/identity needs an https authority. */
async function runTrusting(
  emulatorCa: string,
  script: string,
  env: Record<string, string>,
): Promise<unknown> {
  const { stdout } = await execFileAsync(process.execPath, ["--input-type=module", "-e", script], {
    env: { PATH: process.env.PATH ?? "", NODE_EXTRA_CA_CERTS: emulatorCa, ...env },
  });
  return JSON.parse(stdout);
}

describe("client-secret credential against the emulator's token service (built dist, child Node)", () => {
  it("gets, caches and force-refreshes tokens from AZURE_* variables and a secret file, then lists", async () => {
    emulator = await startEmulator({ https: true, tokenLifetimeSeconds: 3600 });
    const secretFile = file("client-secret", `${DEFAULT_CLIENT.clientSecret}\n`);
    const script = `
      import { createTokenProvider, GraphClient } from ${JSON.stringify(DIST_INDEX)};
      const fromEnv = createTokenProvider({ scope: "${SCOPE}" });
      const a = await fromEnv.getToken();
      const b = await fromEnv.getToken();
      const c = await fromEnv.getToken({ forceRefresh: true });
      const fromFile = createTokenProvider({ tenantId: process.env.AZURE_TENANT_ID, clientId: process.env.AZURE_CLIENT_ID,
        clientSecretFile: ${JSON.stringify(secretFile)}, scope: "${SCOPE}", env: { AZURE_AUTHORITY_HOST: process.env.AZURE_AUTHORITY_HOST } });
      const client = new GraphClient({ baseUrl: process.env.GRAPH_URL, tokenProvider: fromFile });
      let listed = [];
      for await (const page of client.listPages()) listed.push(...page);
      const wrong = createTokenProvider({ clientSecret: "wrong-secret-value", scope: "${SCOPE}" });
      const error = await wrong.getToken().catch((e) => e);
      console.log(JSON.stringify({ cached: a === b, refreshed: a !== c, listed: listed.length,
        wrongSecret: error.name, echoed: error.message.includes("wrong-secret-value") }));
    `;
    const result = await runTrusting(emulator.caCertPath!, script, {
      AZURE_TENANT_ID: DEFAULT_CLIENT.tenantId,
      AZURE_CLIENT_ID: DEFAULT_CLIENT.clientId,
      AZURE_CLIENT_SECRET: DEFAULT_CLIENT.clientSecret,
      AZURE_AUTHORITY_HOST: emulator.rootUrl,
      GRAPH_URL: emulator.url,
    });
    expect(result).toEqual({
      cached: true,
      refreshed: true,
      listed: 0,
      wrongSecret: "AuthError",
      echoed: false,
    });
    expect(emulator.tokenRequests().filter((r) => r.method === "POST" && r.status === 200)).toHaveLength(3);
    expect(emulator.requests().map((r) => `${r.method} ${r.status}`)).toEqual(["GET 200"]);
  });

  it("tells an unknown tenant, a wrong secret (remembered: asked once) and an unresolvable host apart", async () => {
    emulator = await startEmulator({ https: true });
    const script = `
      import { createTokenProvider } from ${JSON.stringify(DIST_INDEX)};
      const base = { clientId: process.env.CLIENT_ID, scope: "${SCOPE}", env: {} };
      const at = (authorityHost, tenantId, clientSecret) =>
        createTokenProvider({ ...base, authorityHost, tenantId, clientSecret });
      const tenant = await at(process.env.AUTHORITY, "no-such-tenant", "s").getToken().catch((e) => e);
      const wrong = at(process.env.AUTHORITY, process.env.TENANT_ID, "wrong-secret-value");
      const first = await wrong.getToken().catch((e) => e);
      const again = await wrong.getToken({ forceRefresh: true }).catch((e) => e);
      const started = Date.now();
      const dns = await at("https://login.invalid", process.env.TENANT_ID, "s").getToken().catch((e) => e);
      console.log(JSON.stringify({
        tenant: [tenant.name, tenant.reason, tenant.message],
        wrong: [first.name, first.reason, first === again, first.message.includes("wrong-secret-value")],
        dns: [dns.name, dns.kind, dns.code, dns.host, dns.proxy, dns.message],
        dnsFast: Date.now() - started < 3000,
      }));
    `;
    const result = await runTrusting(emulator.caCertPath!, script, {
      CLIENT_ID: DEFAULT_CLIENT.clientId,
      TENANT_ID: DEFAULT_CLIENT.tenantId,
      AUTHORITY: emulator.rootUrl,
    });
    expect(result).toEqual({
      tenant: [
        "AuthError",
        "tenant",
        `Could not get a token (ClientSecretCredential): ${emulator.rootUrl} does not know tenant "no-such-tenant" (HTTP 400 for /no-such-tenant/v2.0/.well-known/openid-configuration): check the tenant id (a GUID or a verified domain such as contoso.onmicrosoft.com) and the cloud or authority host.`,
      ],
      wrong: ["AuthError", "credential", true, false],
      dns: [
        "NetworkError",
        "dns",
        "ENOTFOUND",
        "login.invalid",
        null,
        "GET /emulator-tenant/v2.0/.well-known/openid-configuration: could not reach login.invalid: its name did not resolve (DNS) (ENOTFOUND)",
      ],
      dnsFast: true,
    });
    // The wrong secret was tried once; the forced refresh got the remembered failure without a request.
    const posts = emulator.tokenRequests().filter((r) => r.method === "POST");
    expect(posts.map((r) => r.status)).toEqual([401]);
  });

  it("refreshes before expiry: a 4 s token is renewed after 2 s", async () => {
    emulator = await startEmulator({ https: true, tokenLifetimeSeconds: 4 });
    const script = `
      import { createTokenProvider } from ${JSON.stringify(DIST_INDEX)};
      const provider = createTokenProvider({ scope: "${SCOPE}" });
      const start = Date.now();
      const first = await provider.getToken();
      let sameUntilMs = 0;
      let renewedAfterMs = null;
      while (Date.now() - start < 6000) {
        const token = await provider.getToken();
        const elapsed = Date.now() - start;
        if (token !== first) {
          renewedAfterMs = elapsed;
          break;
        }
        sameUntilMs = elapsed;
        await new Promise((r) => setTimeout(r, 25));
      }
      console.log(JSON.stringify({ sameUntilMs, renewedAfterMs }));
    `;
    const result = await runTrusting(emulator.caCertPath!, script, {
      AZURE_TENANT_ID: DEFAULT_CLIENT.tenantId,
      AZURE_CLIENT_ID: DEFAULT_CLIENT.clientId,
      AZURE_CLIENT_SECRET: DEFAULT_CLIENT.clientSecret,
      AZURE_AUTHORITY_HOST: emulator.rootUrl,
    });
    // Polled every 25 ms from before the first request: the cached token is served until half its 4 s life has
    // passed (its life starts after `start`), then a new one, well before it expires.
    const { sameUntilMs, renewedAfterMs } = result as { sameUntilMs: number; renewedAfterMs: number | null };
    expect(sameUntilMs).toBeGreaterThanOrEqual(1_900);
    expect(renewedAfterMs).toBeGreaterThanOrEqual(2_000);
    expect(renewedAfterMs).toBeLessThan(3_000);
  });
});
