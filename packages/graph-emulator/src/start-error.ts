import { mkdirSync } from "node:fs";
import { dirname } from "node:path";

/** The emulator could not start: the port is taken, or a file or folder it needs cannot be written or read. */
export class EmulatorStartError extends Error {
  override name = "EmulatorStartError";

  /** @param code the OS error code behind it (`EADDRINUSE`, `EACCES`), if any. */
  constructor(
    message: string,
    readonly code: string | null,
  ) {
    super(message);
  }
}

/** Runs one start-up step, turning an OS error into an EmulatorStartError that says `what` failed and why. */
export function startStep<T>(what: string, step: () => T): T {
  try {
    return step();
  } catch (error) {
    throw new EmulatorStartError(`${what}: ${inWords(error)}`, errorCode(error));
  }
}

/** The OS's own words for an error ("permission denied"), without the code, syscall and path around them. */
export function inWords(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return /^(?:[a-z]+ )?E[A-Z]+: (.+?)(?:,| \S+:\d+$|$)/.exec(message)?.[1] ?? message;
}

/**
 * Creates a folder and its missing parents one level at a time: Node 20's recursive mkdir never returns
 * under /proc.
 */
export function makeFolder(path: string): void {
  try {
    mkdirSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return;
    if (code !== "ENOENT" || dirname(path) === path) throw error;
    makeFolder(dirname(path));
    mkdirSync(path);
  }
}

/** The OS error code of an error, if it has one. */
export function errorCode(error: unknown): string | null {
  return (error as NodeJS.ErrnoException | null)?.code ?? null;
}
