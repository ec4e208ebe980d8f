/** What an AuthError blames: the credential, the tenant name, Graph's refusal of the token, or a missing permission. */
export type AuthFailureReason = "credential" | "tenant" | "refused" | "permission";

/** No token could be obtained, or Graph kept refusing the token (401/403); the CLI maps it to exit code 3. */
export class AuthError extends Error {
  override readonly name: string = "AuthError";
  /** HTTP status when Graph refused the token, null when the credential itself failed. */
  readonly status: number | null;
  /** What the admin has to fix. */
  readonly reason: AuthFailureReason;

  constructor(
    message: string,
    options?: { status?: number | null; reason?: AuthFailureReason; cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.status = options?.status ?? null;
    this.reason = options?.reason ?? (this.status === null ? "credential" : "refused");
  }
}
