import { createHash } from "node:crypto";
import { dirname, join } from "node:path";
import { osErrorWords } from "../os-error.js";
import { RunLock, RunLockedError } from "./lock.js";
import { StateStoreError } from "./state-path.js";

/**
 * The locks one run holds: the state store's (beside its real path) and the tenant's (its `scope`, as the store keys
 * it: cloud, tenant and Graph URL, see tenantScope), in a per-user runtime folder
 * (`$XDG_RUNTIME_DIR/intune-codesign`), so that two state stores on one host never sync one tenant at once: each
 * would create the objects the other is creating. Without a runtime folder it sits in the state store's own folder,
 * which guards the stores kept there: a folder of the state's parent is outside the paths the run was given, and often
 * not writable by a dedicated user (`/var/lib` for `/var/lib/intune-codesign/state.db`). Throws RunLockedError
 * naming the other run.
 */
export function takeRunLocks(
  statePath: string,
  scope: string,
  runtimeDir: string | undefined,
): { release(): void } {
  const lockPath = `${statePath}.lock`;
  const storeLock = RunLock.acquire(lockPath);
  if (!(storeLock instanceof RunLock)) throw new RunLockedError(lockPath, storeLock.heldBy);
  const tenantPath = tenantLockPath(
    scope,
    runtimeDir ? join(runtimeDir, "intune-codesign") : dirname(statePath),
  );
  let tenantLock: ReturnType<typeof RunLock.acquire>;
  try {
    tenantLock = RunLock.acquire(tenantPath, { state: statePath });
  } catch (error) {
    storeLock.release();
    throw new StateStoreError(`cannot take the tenant lock ${tenantPath}: ${osErrorWords(error)}`);
  }
  if (!(tenantLock instanceof RunLock)) {
    storeLock.release();
    throw new RunLockedError(
      tenantPath,
      tenantLock.heldBy,
      "another run is syncing this tenant; its lock is",
    );
  }
  const held = tenantLock;
  return {
    release() {
      held.release();
      storeLock.release();
    },
  };
}

function tenantLockPath(scope: string, folder: string): string {
  const digest = createHash("sha256").update(scope).digest("hex").slice(0, 16);
  return join(folder, `tenant-${digest}.lock`);
}
