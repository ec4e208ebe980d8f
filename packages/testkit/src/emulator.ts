import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EmulatorOptions, type RunningEmulator, startEmulator } from "@intune-codesign/graph-emulator";
import {
  defaultTransport,
  FileTokenProvider,
  GraphClient,
  type GraphClientOptions,
  type RemoteCertificate,
  type Transport,
} from "@intune-codesign/uploader";
import type { Logger } from "pino";
import { makeCertificate } from "./certificates.js";

// The client harness: an emulator with a GraphClient reading a static token from a file.

/** The static token tests authenticate with; logging tests assert it never appears. */
export const TEST_TOKEN = "uploader-test-token-7f3a9c";

/** Test support: an emulator over real HTTP accepting TEST_TOKEN, and a client factory reading it from a file. */
export async function withEmulator(options: EmulatorOptions = {}): Promise<{
  emulator: RunningEmulator;
  tokenFile: string;
  client(overrides?: Partial<GraphClientOptions> & { logger?: Logger }): GraphClient;
}> {
  const emulator = await startEmulator({
    writeLimit: null,
    requestLimit: null,
    staticTokens: [TEST_TOKEN],
    ...options,
  });
  const tokenFile = join(mkdtempSync(join(tmpdir(), "uploader-token-")), "token");
  writeFileSync(tokenFile, `${TEST_TOKEN}\n`);
  return {
    emulator,
    tokenFile,
    client: (overrides = {}) =>
      new GraphClient({
        baseUrl: emulator.url,
        tokenProvider: new FileTokenProvider(tokenFile),
        backoffBaseMs: 10,
        recoveryDelayMs: 20,
        ...overrides,
      }),
  };
}

/** The real transport, turning the emulator's faults off once the first request has been answered (or reset). */
export function faultsOffAfterFirst(emulator: RunningEmulator): Transport {
  return afterEachRequest(() => emulator.setFaults(undefined), { once: true });
}

/** The real transport, calling `then` after a request was answered (or failed); `once`: after the first only. */
export function afterEachRequest(then: () => void, options: { once?: boolean } = {}): Transport {
  const transport = defaultTransport();
  let calls = 0;
  return {
    proxyFor: transport.proxyFor,
    fetch: async (input, init) => {
      try {
        return await transport.fetch(input, init);
      } finally {
        if (!options.once || calls === 0) then();
        calls++;
      }
    },
  };
}

/** The emulator's request log as `METHOD status` strings, the shape most assertions want. */
export function requestLine(emulator: RunningEmulator): string[] {
  return emulator.requests().map((r) => `${r.method} ${r.status}${r.fault ? ` ${r.fault}` : ""}`);
}

/** Every object of the tenant, through the client's paged listing. */
export async function listAll(client: GraphClient): Promise<RemoteCertificate[]> {
  const all: RemoteCertificate[] = [];
  for await (const page of client.listPages()) all.push(...page);
  return all;
}

// The raw HTTP harness: an emulator with a minted token and a fetch wrapper, for the emulator's own tests.

/** The collection path under a Graph base URL. */
export const COLLECTION = "/deviceAppManagement/enterpriseCodeSigningCertificates";

/** A started emulator with a valid token and a fetch wrapper that sends it. */
export interface TestGraph {
  emulator: RunningEmulator;
  token: string;
  /** Sends a request to `emulator.url + path`, JSON-encoding `body` unless it is a string. */
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<Response>;
}

/** Starts an emulator for a test and mints a token for it. */
export async function startTestGraph(options: EmulatorOptions = {}): Promise<TestGraph> {
  const emulator = await startEmulator(options);
  const token = emulator.issueToken();
  const call = (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    signal?: AbortSignal,
  ) =>
    fetch(`${emulator.url}${path}`, {
      method,
      ...(signal ? { signal } : {}),
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    });
  return { emulator, token, call };
}

/** Standard base64 of a freshly generated DER certificate, as `content` carries it. */
export async function certificateContent(): Promise<string> {
  return (await makeCertificate({ subject: "CN=Graph emulator test" })).der.toString("base64");
}

/** A minimal valid create body. */
export function createBody(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    "@odata.type": "#microsoft.graph.enterpriseCodeSigningCertificate",
    expirationDateTime: "2027-11-29T22:38:25Z",
    uploadDateTime: "2026-11-29T10:00:00.5+02:00",
    ...extra,
  };
}
