/** No token could be obtained, or Graph kept refusing the token (401/403); the CLI maps it to exit code 3. */
export class AuthError extends Error {
  override readonly name = "AuthError";
  /** HTTP status when Graph refused the token, null when the credential itself failed. */
  readonly status: number | null;

  constructor(message: string, options?: { status?: number | null; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.status = options?.status ?? null;
  }
}
