/** Where the client gets its bearer token; implementations cache and refresh it. */
export interface TokenProvider {
  /** A token valid for Graph; `forceRefresh` skips every cache (after Graph answered 401). */
  getToken(options?: { forceRefresh?: boolean; signal?: AbortSignal }): Promise<string>;
}
