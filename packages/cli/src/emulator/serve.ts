import {
  DEFAULT_CLIENT,
  type EmulatorClient,
  type EmulatorOptions,
  EmulatorStartError,
  type RateLimit,
  type RunningEmulator,
  startEmulator,
} from "@intune-codesign/graph-emulator";
import { writeFileAtomic } from "@intune-codesign/sync/atomic-write";
import { parseRateLimit } from "@intune-codesign/uploader";
import type { EmulatorFlags } from "../commands/emulator.js";
import { UsageError } from "../exit-codes.js";

/** The `emulator` command's action: serve until SIGINT/SIGTERM. */
export async function serveEmulator(flags: EmulatorFlags): Promise<void> {
  const emulator = await startEmulator(emulatorOptions(flags)).catch((error: unknown) => {
    if (!(error instanceof EmulatorStartError)) throw error;
    const hint = error.code === "EADDRINUSE" ? "; stop what listens there or pick another --port" : "";
    throw new UsageError(`emulator: ${error.message}${hint}`);
  });
  if (flags.tokenFile) writeTokenFile(emulator, flags.tokenFile, flags.tokenLifetime);
  // Listening for the signals before saying so: whoever reads the banner may stop the emulator at once.
  const stopped = new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  process.stdout.write(
    `Graph emulator listening\n  graph url:  ${emulator.url}\n  token url:  ${emulator.tokenUrl}\n` +
      (emulator.caCertPath ? `  ca cert:    ${emulator.caCertPath} (set NODE_EXTRA_CA_CERTS to it)\n` : "") +
      (flags.tokenFile ? `  token file: ${flags.tokenFile}\n` : ""),
  );
  await stopped;
  await emulator.close();
}

/** startEmulator's options from the flags. */
function emulatorOptions(flags: EmulatorFlags): EmulatorOptions {
  return {
    host: flags.host,
    port: flags.port,
    https: flags.https,
    ...(flags.certDir ? { certDir: flags.certDir } : {}),
    ...(flags.data ? { dataFile: flags.data } : {}),
    pageSize: flags.pageSize,
    patchResponse:
      flags.patchResponse === "alternate" ? "alternate" : flags.patchResponse === "200" ? 200 : 204,
    writeLimit: parseLimit(flags.writeLimit),
    requestLimit: parseLimit(flags.requestLimit),
    ...(flags.tenantWriteLimit ? { tenantWriteLimit: parseLimit(flags.tenantWriteLimit) } : {}),
    ...(flags.tenantRequestLimit ? { tenantRequestLimit: parseLimit(flags.tenantRequestLimit) } : {}),
    ...(flags.faultRate > 0
      ? {
          faults: {
            rate: flags.faultRate,
            seed: flags.seed,
            latencyMs: flags.latency,
            retryAfterSeconds: flags.retryAfter,
            ...(flags.faultKinds ? { kinds: flags.faultKinds } : {}),
          },
        }
      : {}),
    tokenLifetimeSeconds: flags.tokenLifetime,
    clients: clientsWithRoles(flags),
    ...(flags.renderNames ? { renderNames: flags.renderNames === "late" ? "late" : true } : {}),
  };
}

/** A token for `upload --access-token-file`; a file that cannot be written stops the emulator with exit 2. */
function writeTokenFile(emulator: RunningEmulator, path: string, lifetimeSeconds: number): void {
  try {
    writeFileAtomic(path, `${emulator.issueToken({ lifetimeSeconds })}\n`, 0o600);
  } catch (error) {
    void emulator.close();
    throw new UsageError(`emulator: cannot write --token-file ${path}: ${(error as Error).message}`);
  }
}

function parseLimit(value: string): RateLimit | null {
  return value === "none" ? null : parseRateLimit(value);
}

/** The `--client` apps (or the default one), each with the roles `--roles` gives it. */
function clientsWithRoles(flags: EmulatorFlags): EmulatorClient[] {
  const clients = (flags.client ?? [DEFAULT_CLIENT]).map((client) => ({ ...client }));
  for (const { clientId, roles } of flags.roles ?? []) {
    const matching = clients.filter((client) => client.clientId === clientId);
    if (matching.length === 0)
      throw new UsageError(`--roles names client '${clientId}', which no --client defines.`);
    for (const client of matching) client.roles = roles;
  }
  return clients;
}
