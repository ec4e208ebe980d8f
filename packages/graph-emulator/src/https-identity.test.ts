import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { COLLECTION } from "@intune-codesign/testkit/emulator";
import { afterEach, describe, expect, it } from "vitest";
import { startEmulator } from "./emulator.js";
import { generateTlsCertificate } from "./tls-certificate.js";
import type { RunningEmulator } from "./types.js";

const run = promisify(execFile);
let emulator: RunningEmulator | undefined;
let directory: string | undefined;
afterEach(async () => {
  await emulator?.close();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

/** The child trusts the emulator only through NODE_EXTRA_CA_CERTS, which Node reads once at start. */
const CHILD = `
const { ClientSecretCredential } = await import(process.env.IDENTITY_ENTRY);
const credential = new ClientSecretCredential("emulator-tenant", "emulator-client", process.env.CLIENT_SECRET, {
  authorityHost: process.env.ROOT_URL,
  disableInstanceDiscovery: true,
});
const token = await credential.getToken("https://graph.microsoft.com/.default");
const response = await fetch(process.env.LIST_URL, { headers: { authorization: "Bearer " + token.token } });
const body = await response.json();
console.log(JSON.stringify({ status: response.status, count: body.value.length, expiresInMs: token.expiresOnTimestamp - Date.now() }));
`;

describe("HTTPS with a generated certificate", () => {
  it("lets @azure/identity's ClientSecretCredential get a token in a child process and list with it", async () => {
    emulator = await startEmulator({ https: true, tokenLifetimeSeconds: 1800 });
    emulator.seed([{ subjectName: "one" }, { subjectName: "two" }]);
    expect(emulator.rootUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const identityEntry = createRequire(import.meta.url).resolve("@azure/identity");
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", CHILD], {
      env: {
        PATH: process.env.PATH,
        NODE_EXTRA_CA_CERTS: emulator.caCertPath ?? "",
        IDENTITY_ENTRY: identityEntry,
        CLIENT_SECRET: "emulator-secret",
        ROOT_URL: emulator.rootUrl,
        LIST_URL: `${emulator.url}${COLLECTION}`,
      },
    });
    const result = JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as Record<string, number>;
    expect(result.status).toBe(200);
    expect(result.count).toBe(2);
    expect(result.expiresInMs).toBeGreaterThan(1700_000);
    expect(emulator.tokenRequests().map(({ method, path, status }) => `${method} ${path} ${status}`)).toEqual(
      [
        "GET /emulator-tenant/v2.0/.well-known/openid-configuration 200",
        "POST /emulator-tenant/oauth2/v2.0/token 200",
      ],
    );
    expect(emulator.requests().map(({ method, status }) => `${method} ${status}`)).toEqual(["GET 200"]);
  });

  it("is refused by a client that does not trust the certificate", async () => {
    emulator = await startEmulator({ https: true });
    await expect(fetch(`${emulator.url}${COLLECTION}`)).rejects.toThrow(TypeError);
    expect(emulator.requests()).toEqual([]);
  });

  it("writes ca.pem to certDir and can reuse a given certificate", async () => {
    directory = mkdtempSync(join(tmpdir(), "emulator-cert-"));
    const certificate = await generateTlsCertificate(Date.now());
    emulator = await startEmulator({ https: true, certDir: directory, tlsCertificate: certificate });
    expect(emulator.caCertPath).toBe(join(directory, "ca.pem"));
    expect(readFileSync(join(directory, "ca.pem"), "utf8")).toBe(certificate.certPem);
    const { X509Certificate } = await import("node:crypto");
    const parsed = new X509Certificate(certificate.certPem);
    expect(parsed.subjectAltName).toBe("IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, DNS:localhost");
    expect(parsed.ca).toBe(true);
  });

  it("resets TLS connections with a TCP RST, like plain ones", async () => {
    const certificate = await generateTlsCertificate(Date.now());
    emulator = await startEmulator({
      https: true,
      tlsCertificate: certificate,
      faults: { rate: 1, kinds: ["reset-after-create"] },
    });
    const token = emulator.issueToken();
    const url = `${emulator.url}${COLLECTION}`;
    const body = JSON.stringify({
      expirationDateTime: "2030-01-01T00:00:00Z",
      uploadDateTime: "2026-01-01T00:00:00Z",
    });
    const error = await new Promise<NodeJS.ErrnoException>((resolve, reject) => {
      const request = httpsRequest(url, {
        method: "POST",
        ca: certificate.certPem,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      });
      request.on("response", () => reject(new Error("expected a reset, got a response")));
      request.on("error", resolve);
      request.end(body);
    });
    expect(error.code).toBe("ECONNRESET");
    expect(error.message).toBe("read ECONNRESET");
    expect(emulator.objects().length).toBe(1);
    expect(emulator.requests().map((request) => [request.status, request.fault])).toEqual([
      [0, "reset-after-create"],
    ]);
  });

  it("serves plain HTTP by default, with no certificate", async () => {
    emulator = await startEmulator();
    expect(emulator.rootUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emulator.caCertPath).toBeNull();
  });
});
