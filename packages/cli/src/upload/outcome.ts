import {
  RunLockedError,
  type RunStatus,
  runSync,
  StateStoreError,
  type SyncOutcome,
  type SyncSettings,
} from "@intune-codesign/sync";
import { ExitCode, type ExitCodeValue, ExitError } from "../exit-codes.js";

const EXIT_CODES: Record<RunStatus, ExitCodeValue> = {
  synced: ExitCode.ok,
  failed: ExitCode.failed,
  disk_full: ExitCode.failed,
  misconfigured: ExitCode.usage,
  unreachable: ExitCode.unreachable,
  auth_failed: ExitCode.auth,
  interrupted: ExitCode.interrupted,
};

/** The exit code of each way a run can end: the contract with cron jobs and alerting. */
export function exitCodeOf(status: RunStatus): ExitCodeValue {
  return EXIT_CODES[status];
}

/** Runs the engine; a lock held by another run ends the process with exit 4, an unusable state store with exit 2. */
export async function sync(settings: SyncSettings): Promise<SyncOutcome> {
  try {
    return await runSync(settings);
  } catch (error) {
    if (error instanceof RunLockedError) throw new ExitError(ExitCode.locked, error.message);
    if (error instanceof StateStoreError) throw new ExitError(ExitCode.usage, error.message);
    if ((error as { code?: unknown }).code === "SQLITE_FULL") {
      throw new ExitError(
        ExitCode.failed,
        `disk_full: the disk under ${settings.statePath} is full; nothing was sent`,
      );
    }
    throw error;
  }
}
