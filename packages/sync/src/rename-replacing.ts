import { renameSync } from "node:fs";

/**
 * Windows refuses to replace a file another process holds open without delete sharing (node_exporter reading the
 * metrics file, an antivirus scan) with EPERM, EACCES or EBUSY, for as long as it is held: a moment, usually.
 * Elsewhere those codes are lasting (a permission, a mount point), so only Windows retries.
 */
const TRANSIENT_ON_WINDOWS: ReadonlySet<string> = new Set(["EPERM", "EACCES", "EBUSY"]);

/** The pauses before each retry, in ms: about 0.8 s in all, then the last error is thrown. */
export const RENAME_RETRY_DELAYS_MS: readonly number[] = [25, 50, 100, 200, 400];

/** What renameReplacing uses; tests pass their own. */
export interface RenameDeps {
  rename: (from: string, to: string) => void;
  platform: NodeJS.Platform;
  pause: (ms: number) => void;
}

const DEFAULTS: RenameDeps = { rename: renameSync, platform: process.platform, pause: pauseSync };

/** Renames `from` over `to`, retrying with a short bounded backoff while Windows says another process holds `to`. */
export function renameReplacing(from: string, to: string, deps: Partial<RenameDeps> = {}): void {
  const { rename, platform, pause } = { ...DEFAULTS, ...deps };
  for (let attempt = 0; ; attempt++) {
    try {
      rename(from, to);
      return;
    } catch (error) {
      const delay = RENAME_RETRY_DELAYS_MS[attempt];
      const code = (error as NodeJS.ErrnoException).code ?? "";
      if (platform !== "win32" || delay === undefined || !TRANSIENT_ON_WINDOWS.has(code)) throw error;
      pause(delay);
    }
  }
}

/** Blocks for `ms`: the atomic write is synchronous (it runs as a run ends, where nothing else waits). */
function pauseSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
