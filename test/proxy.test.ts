import { readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { request as httpsRequest } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { join } from "node:path";
import { TLSSocket } from "node:tls";
import type { TlsCertificate } from "@intune-codesign/graph-emulator";
import { writeBulkCertificates } from "@intune-codesign/testkit/bulk-certificates";
import { makeCertificate, privateKeyPem } from "@intune-codesign/testkit/certificates";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { APP, clientSecretRun } from "./helpers/client-secret.js";
import { Scenario } from "./helpers/scenario.js";

/** A running proxy and what crossed it. */
interface Proxy {
  url: string;
  /** CONNECT targets, one per tunnel. */
  tunnels: string[];
  /** Every request read inside the tunnels, as `METHOD path`. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * A TLS-inspecting CONNECT proxy, as corporate networks run them: it answers each tunnel with its own
 * certificate (trusted by the client only through NODE_EXTRA_CA_CERTS), reads every request and forwards it
 * upstream. `refuse` answers every CONNECT with that status instead.
 */
async function startInspectingProxy(
  own: TlsCertificate,
  upstreamCa: string,
  refuse?: number,
): Promise<Proxy> {
  const tunnels: string[] = [];
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const proxy: Server = createServer((_, response) => response.writeHead(405).end());
  proxy.on("connect", (request, socket: Socket, head: Buffer) => {
    sockets.add(socket);
    const target = request.url ?? "";
    tunnels.push(target);
    if (refuse) {
      socket.end(`HTTP/1.1 ${refuse} Refused by policy\r\n\r\n`);
      return;
    }
    socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
    if (head.length > 0) socket.unshift(head);
    const colon = target.lastIndexOf(":");
    const [host, port] = [target.slice(0, colon), Number(target.slice(colon + 1))];
    const inside = createServer((inner, response) => {
      requests.push(`${inner.method} ${inner.url}`);
      const upstream = httpsRequest(
        { host, port, method: inner.method, path: inner.url, headers: inner.headers, ca: upstreamCa },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      upstream.on("error", () => response.destroy());
      inner.pipe(upstream);
    });
    const tls = new TLSSocket(socket, { isServer: true, key: own.keyPem, cert: own.certPem });
    tls.on("error", () => socket.destroy());
    inside.emit("connection", tls);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const { port } = proxy.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    tunnels,
    requests,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => proxy.close(resolve));
    },
  };
}

let proxyCertificate: TlsCertificate;
beforeAll(async () => {
  // The proxy's own CA: a self-signed CA certificate for 127.0.0.1, named unlike the emulator's.
  const ca = await makeCertificate({
    subject: "O=Test Corp, CN=Test TLS-inspecting proxy CA",
    days: 2,
    ca: true,
    eku: null,
    altNames: [{ type: "ip", value: "127.0.0.1" }],
  });
  proxyCertificate = { keyPem: await privateKeyPem(ca), certPem: ca.pem };
});

let scenario: Scenario | undefined;
let proxy: Proxy | undefined;
afterEach(async () => {
  await proxy?.close();
  await scenario?.close();
  proxy = undefined;
  scenario = undefined;
});

/** An HTTPS emulator with three certificates to upload, a proxy in front of it, and a CA bundle trusting both. */
async function setUp(refuse?: number) {
  scenario = await Scenario.start({ https: true, clients: [APP], faults: undefined });
  await writeBulkCertificates(scenario.root, 3);
  const emulatorCa = readFileSync(scenario.emulator.caCertPath!, "utf8");
  proxy = await startInspectingProxy(proxyCertificate, emulatorCa, refuse);
  const bundle = join(scenario.root, "ca-bundle.pem");
  writeFileSync(bundle, `${emulatorCa}\n${proxyCertificate.certPem}`);
  return { scenario, proxy, bundle };
}

describe("HTTPS_PROXY and NO_PROXY apply to every request, token and Graph alike", () => {
  it("client secret: every token and Graph request crosses the proxy", async () => {
    const { scenario: s, proxy: p, bundle } = await setUp();
    const { args, env } = clientSecretRun(s, [join(s.root, "certs")]);
    const result = await runCli(args, { ...env, NODE_EXTRA_CA_CERTS: bundle, HTTPS_PROXY: p.url });
    expect(result.code, result.stderr).toBe(0);
    const tokenRequests = s.emulator.tokenRequests();
    const graphRequests = s.emulator.requests();
    expect(tokenRequests.map((r) => r.method)).toContain("POST");
    expect(graphRequests.filter((r) => r.method === "POST")).toHaveLength(3);
    expect(p.requests).toHaveLength(tokenRequests.length + graphRequests.length);
    expect(p.requests.filter((r) => r.includes("/oauth2/v2.0/token"))).toHaveLength(
      tokenRequests.filter((r) => r.path.endsWith("/oauth2/v2.0/token")).length,
    );
    expect(new Set(p.tunnels)).toEqual(new Set([new URL(s.emulator.url).host]));
  });

  it("access token file: every Graph request crosses the proxy (lower-case https_proxy)", async () => {
    const { scenario: s, proxy: p, bundle } = await setUp();
    const result = await s.upload([join(s.root, "certs")], {
      NODE_EXTRA_CA_CERTS: bundle,
      https_proxy: p.url,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(s.emulator.requests().filter((r) => r.method === "POST")).toHaveLength(3);
    expect(p.requests).toHaveLength(s.emulator.requests().length);
  });

  // `host:port` is a form @azure/identity's own proxy rule does not know: its token requests would still go
  // through the proxy if that rule applied.
  it.each([
    ["NO_PROXY", "the host, in a list", (url: URL) => `example.test, ${url.hostname}`],
    ["no_proxy", "host:port", (url: URL) => url.host],
  ])("%s naming the emulator (%s): nothing crosses the proxy", async (name, _, entry) => {
    const { scenario: s, proxy: p, bundle } = await setUp();
    const { args, env } = clientSecretRun(s, [join(s.root, "certs")]);
    const result = await runCli(args, {
      ...env,
      NODE_EXTRA_CA_CERTS: bundle,
      HTTPS_PROXY: p.url,
      [name]: entry(new URL(s.emulator.url)),
    });
    expect(result.code, result.stderr).toBe(0);
    expect(s.emulator.tokenRequests().length).toBeGreaterThan(0);
    expect(s.emulator.requests().filter((r) => r.method === "POST")).toHaveLength(3);
    expect([p.tunnels, p.requests]).toEqual([[], []]);
  });

  it("a proxy that refuses the tunnel: the run names the proxy and sends nothing to Graph", async () => {
    const { scenario: s, proxy: p, bundle } = await setUp(403);
    const { args, env } = clientSecretRun(s, [join(s.root, "certs")]);
    const result = await runCli(args, { ...env, NODE_EXTRA_CA_CERTS: bundle, HTTPS_PROXY: p.url });
    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toContain(
      `could not reach ${new URL(s.emulator.url).host} through proxy ${p.url}: the proxy refused the tunnel (HTTP 403)`,
    );
    expect(p.tunnels.length).toBeGreaterThan(0);
    expect([s.emulator.tokenRequests(), s.emulator.requests()]).toEqual([[], []]);
  });

  it("a TLS-inspecting proxy whose CA is not in NODE_EXTRA_CA_CERTS: a TLS error naming host and proxy", async () => {
    const { scenario: s, proxy: p } = await setUp();
    const { args, env } = clientSecretRun(s, [join(s.root, "certs")]);
    const result = await runCli(args, { ...env, HTTPS_PROXY: p.url });
    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toContain(
      `could not reach ${new URL(s.emulator.url).host} through proxy ${p.url}: its TLS certificate was not trusted`,
    );
    expect([s.emulator.tokenRequests(), s.emulator.requests()]).toEqual([[], []]);
  });
});
