import type * as Identity from "@azure/identity";
import type { AccessToken, TokenCredential } from "@azure/identity";
import { AuthError } from "./auth-error.js";
import { type IdentityObservations, identityHttpClient } from "./identity-http-client.js";
import type { TokenProvider } from "./token-provider.js";
import type { Transport } from "./transport.js";

const MAX_EARLY_REFRESH_MS = 5 * 60_000;

/** Builds a credential from the @azure/identity module, which is handed over once it has loaded. */
export type CredentialFactory = (
  identity: typeof Identity,
  options: { httpClient: Identity.TokenCredentialOptions["httpClient"] },
) => TokenCredential;

/** Where the credential gets its tokens, for messages. */
export interface CredentialTarget {
  scope: string;
  /** The login authority, e.g. `https://login.microsoftonline.com`. */
  authorityHost: string;
  tenantId?: string | undefined;
  transport: Transport;
  /** Per token request; default 30 s. */
  timeoutMs?: number;
}

/**
 * Caches an @azure/identity token and refreshes it before expiry; concurrent callers share one request.
 * A forced refresh builds a fresh credential because MSAL's in-memory cache would hand back the refused token.
 * A network failure is a NetworkError (exit 5: nothing could reach Microsoft); any other failure is the
 * credential's or the tenant's, an AuthError that is remembered, so a run reports it once and sends no more.
 * @azure/identity takes about 0.4 s to load, so it loads when the first token is wanted, not at start-up.
 */
export class CredentialTokenProvider implements TokenProvider {
  private credential: Promise<TokenCredential> | undefined;
  private cached: { token: string; refreshAt: number } | undefined;
  private pending: Promise<string> | undefined;
  private failure: AuthError | undefined;
  private readonly observed: IdentityObservations = {};
  private readonly httpClient: Identity.TokenCredentialOptions["httpClient"];

  constructor(
    private readonly createCredential: CredentialFactory,
    private readonly target: CredentialTarget,
    private readonly now: () => number = Date.now,
  ) {
    this.httpClient = identityHttpClient(target.transport, this.observed, target.timeoutMs ?? 30_000);
  }

  /** A cached token while it is fresh, else a new one. */
  getToken(options: { forceRefresh?: boolean; signal?: AbortSignal } = {}): Promise<string> {
    if (this.failure) return Promise.reject(this.failure);
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
    this.credential ??= import("@azure/identity").then((identity) =>
      this.createCredential(identity, { httpClient: this.httpClient }),
    );
    this.observed.networkFailure = undefined;
    this.observed.errorAnswer = undefined;
    let accessToken: AccessToken | null;
    let credential: TokenCredential | undefined;
    try {
      credential = await this.credential;
      accessToken = await credential.getToken(this.target.scope, signal ? { abortSignal: signal } : {});
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (this.observed.networkFailure) throw this.observed.networkFailure;
      this.failure = this.credentialError(error, credential?.constructor.name ?? "credential");
      throw this.failure;
    }
    if (!accessToken) {
      this.failure = new AuthError(`Could not get a token (${credential.constructor.name}).`);
      throw this.failure;
    }
    this.cached = { token: accessToken.token, refreshAt: refreshTime(accessToken, this.now()) };
    return accessToken.token;
  }

  /** The tenant's OpenID configuration could not be had: the tenant (or the authority) is wrong, not the secret. */
  private credentialError(error: unknown, credentialName: string): AuthError {
    const message = error instanceof Error ? error.message : String(error);
    const answer = this.observed.errorAnswer;
    if (/endpoints_resolution_error|AADSTS90002|invalid_tenant/.test(message)) {
      const status = answer ? ` (HTTP ${answer.status} for ${answer.path})` : "";
      return new AuthError(
        `Could not get a token (${credentialName}): ${this.target.authorityHost} does not know tenant "${this.target.tenantId ?? "?"}"${status}: check the tenant id (a GUID or a verified domain such as contoso.onmicrosoft.com) and the cloud or authority host.`,
        { reason: "tenant" },
      );
    }
    return new AuthError(`Could not get a token (${credentialName}): ${message}`);
  }
}

/** Refresh at the credential's hint, else before expiry by half the lifetime, at most five minutes early. */
function refreshTime(token: AccessToken, now: number): number {
  const early = Math.min(MAX_EARLY_REFRESH_MS, (token.expiresOnTimestamp - now) / 2);
  return Math.min(token.refreshAfterTimestamp ?? Number.POSITIVE_INFINITY, token.expiresOnTimestamp - early);
}
