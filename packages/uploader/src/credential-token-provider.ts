import type * as Identity from "@azure/identity";
import type { AccessToken, TokenCredential } from "@azure/identity";
import { AuthError } from "./auth-error.js";
import type { TokenProvider } from "./token-provider.js";

const MAX_EARLY_REFRESH_MS = 5 * 60_000;

/** Builds a credential from the @azure/identity module, which is handed over once it has loaded. */
export type CredentialFactory = (identity: typeof Identity) => TokenCredential;

/**
 * Caches an @azure/identity token and refreshes it before expiry; concurrent callers share one request.
 * A forced refresh builds a fresh credential because MSAL's in-memory cache would hand back the refused token.
 * @azure/identity takes about 0.4 s to load, so it loads when the first token is wanted, not at start-up.
 */
export class CredentialTokenProvider implements TokenProvider {
  private credential: Promise<TokenCredential> | undefined;
  private cached: { token: string; refreshAt: number } | undefined;
  private pending: Promise<string> | undefined;

  constructor(
    private readonly createCredential: CredentialFactory,
    private readonly scope: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** A cached token while it is fresh, else a new one. */
  getToken(options: { forceRefresh?: boolean; signal?: AbortSignal } = {}): Promise<string> {
    if (options.forceRefresh) {
      this.credential = undefined;
      this.cached = undefined;
      this.pending = undefined;
    }
    if (this.cached && this.now() < this.cached.refreshAt) return Promise.resolve(this.cached.token);
    if (!this.pending) {
      const request = this.fetchToken(options.signal).finally(() => {
        if (this.pending === request) this.pending = undefined;
      });
      this.pending = request;
    }
    return this.pending;
  }

  private async fetchToken(signal?: AbortSignal): Promise<string> {
    this.credential ??= import("@azure/identity").then(this.createCredential);
    let accessToken: AccessToken | null;
    let credential: TokenCredential | undefined;
    try {
      credential = await this.credential;
      accessToken = await credential.getToken(this.scope, signal ? { abortSignal: signal } : {});
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      const message = error instanceof Error ? error.message : String(error);
      throw new AuthError(
        `Could not get a token (${credential?.constructor.name ?? "credential"}): ${message}`,
      );
    }
    if (!accessToken) throw new AuthError(`Could not get a token (${credential.constructor.name}).`);
    this.cached = { token: accessToken.token, refreshAt: refreshTime(accessToken, this.now()) };
    return accessToken.token;
  }
}

/** Refresh at the credential's hint, else before expiry by half the lifetime, at most five minutes early. */
function refreshTime(token: AccessToken, now: number): number {
  const early = Math.min(MAX_EARLY_REFRESH_MS, (token.expiresOnTimestamp - now) / 2);
  return Math.min(token.refreshAfterTimestamp ?? Number.POSITIVE_INFINITY, token.expiresOnTimestamp - early);
}
