/** The exit codes are a contract with cron jobs and alerting: they never change meaning. */
export const ExitCode = {
  /** Every certificate synced or deliberately skipped. */
  ok: 0,
  /** Some file or certificate failed; the rest of the batch ran. */
  failed: 1,
  /** Usage or configuration error (a bad value, an unwritable output path): nothing was sent. */
  usage: 2,
  /** Authentication or authorization failed (credential, tenant, consent): nothing could be sent. */
  auth: 3,
  /** Another run holds the lock: this run did nothing. */
  locked: 4,
  /** Microsoft could not be reached (DNS, connection, TLS, proxy): nothing could be sent. */
  unreachable: 5,
  /** Interrupted by SIGINT or SIGTERM after a clean stop. */
  interrupted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An error that ends the process with a given exit code; the entry point maps it in one place. */
export class ExitError extends Error {
  override readonly name = "ExitError";
  constructor(
    readonly exitCode: ExitCodeValue,
    message: string,
  ) {
    super(message);
  }
}

/** A bad flag, a bad option value, a missing file named by a flag: exit 2. */
export class UsageError extends ExitError {
  constructor(message: string) {
    super(ExitCode.usage, message);
  }
}
