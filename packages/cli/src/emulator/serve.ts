import { type RateLimit, startEmulator } from "@intune-codesign/graph-emulator";
import { writeFileAtomic } from "@intune-codesign/sync/atomic-write";
import { parseRateLimit } from "@intune-codesign/uploader";
import type { EmulatorFlags } from "../commands/emulator.js";

/** The `emulator` command's action: serve until SIGINT/SIGTERM. */
export async function serveEmulator(flags: EmulatorFlags): Promise<void> {
  const emulator = await startEmulator({
    host: flags.host,
    port: flags.port,
    https: flags.https,
    ...(flags.certDir ? { certDir: flags.certDir } : {}),
    ...(flags.data ? { dataFile: flags.data } : {}),
    pageSize: flags.pageSize,
    patchResponse:
      flags.patchResponse === "alternate" ? "alternate" : flags.patchResponse === "200" ? 200 : 204,
    writeLimit: parseLimit(flags.writeLimit),
    readLimit: parseLimit(flags.readLimit),
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
  });
  if (flags.tokenFile) {
    writeFileAtomic(
      flags.tokenFile,
      `${emulator.issueToken({ lifetimeSeconds: flags.tokenLifetime })}\n`,
      0o600,
    );
  }
  process.stdout.write(
    `Graph emulator listening\n  graph url:  ${emulator.url}\n  token url:  ${emulator.tokenUrl}\n` +
      (emulator.caCertPath ? `  ca cert:    ${emulator.caCertPath} (set NODE_EXTRA_CA_CERTS to it)\n` : "") +
      (flags.tokenFile ? `  token file: ${flags.tokenFile}\n` : ""),
  );
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await emulator.close();
}

function parseLimit(value: string): RateLimit | null {
  return value === "none" ? null : parseRateLimit(value);
}
