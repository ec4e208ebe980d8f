/** A request budget: at most `limit` requests in any `windowMs` sliding window. */
export interface RateLimit {
  readonly limit: number;
  readonly windowMs: number;
}

/** Intune's write limit (POST, PUT, PATCH, DELETE) for this resource family, per app and tenant. */
export const INTUNE_WRITE_LIMIT: RateLimit = { limit: 100, windowMs: 20_000 };

/** Intune's limit on requests of any kind, writes included, per app and tenant. */
export const INTUNE_REQUEST_LIMIT: RateLimit = { limit: 1000, windowMs: 20_000 };

/** A tenant's budget across its apps is this many times one app's, for writes and for all requests alike. */
export const INTUNE_TENANT_FACTOR = 2;

/** Spells a limit as the `--rate-limit` and `--write-limit` flags read it, e.g. `100/20s`. */
export function formatRateLimit({ limit, windowMs }: RateLimit): string {
  return windowMs % 1000 === 0 ? `${limit}/${windowMs / 1000}s` : `${limit}/${windowMs}ms`;
}
