import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EmulatorOptions, type RunningEmulator, startEmulator } from "@intune-codesign/graph-emulator";
import type { Logger } from "pino";
import { GraphClient, type GraphClientOptions } from "./client.js";
import { FileTokenProvider } from "./file-token-provider.js";
import type { RemoteCertificate } from "./remote.js";
import { defaultTransport, type Transport } from "./transport.js";

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
