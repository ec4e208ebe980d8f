/**
 * Where the client gets its bearer token; implementations cache and refresh it. A failure is an AuthError
 * (the credential, tenant or consent) or a NetworkError (the token endpoint could not be reached).
 */
export interface TokenProvider {
  /** A token valid for Graph; `forceRefresh` skips every cache (after Graph answered 401). */
  getToken(options?: { forceRefresh?: boolean; signal?: AbortSignal }): Promise<string>;
}
