import { SlidingLogLimiter } from "./rate-limiter.js";
import type { TokenOwner } from "./token-registry.js";
import type { EmulatorOptions, RateLimit } from "./types.js";

/** The methods Intune counts as writes. */
const WRITE_METHODS = ["POST", "PUT", "PATCH", "DELETE"];

/** Intune's documented limits for this resource family, per 20 s. */
const APP_WRITES: RateLimit = { limit: 100, windowMs: 20_000 };
const APP_REQUESTS: RateLimit = { limit: 1000, windowMs: 20_000 };
/** A tenant's budget across its apps is twice one app's, for writes and for all requests alike. */
const TENANT_FACTOR = 2;

/** A request that exceeded one or more of the limits: which, and when a retry is allowed. */
export interface Throttled {
  /** The exceeded limits, e.g. "write requests for this app and tenant". */
  exceeded: string[];
  retryAfterMs: number;
}

interface Scope {
  limiter: SlidingLogLimiter;
  writesOnly: boolean;
  perApp: boolean;
  label: string;
}

/**
 * Intune's four limits: writes per app and tenant, writes per tenant across apps, requests of any kind (writes
 * included) per app and tenant, and per tenant. A request counts against every limit it falls under, whether
 * it is allowed or throttled, and is throttled when any of them is exceeded.
 */
export class IntuneThrottle {
  private readonly scopes: Scope[];

  constructor(options: EmulatorOptions) {
    const appWrites = options.writeLimit === undefined ? APP_WRITES : options.writeLimit;
    const appRequests = options.readLimit === undefined ? APP_REQUESTS : options.readLimit;
    const scopes: Array<Omit<Scope, "limiter"> & { limit: RateLimit | null }> = [
      { limit: appWrites, writesOnly: true, perApp: true, label: "write requests for this app and tenant" },
      {
        limit: tenantLimit(options.tenantWriteLimit, appWrites),
        writesOnly: true,
        perApp: false,
        label: "write requests for this tenant",
      },
      { limit: appRequests, writesOnly: false, perApp: true, label: "requests for this app and tenant" },
      {
        limit: tenantLimit(options.tenantReadLimit, appRequests),
        writesOnly: false,
        perApp: false,
        label: "requests for this tenant",
      },
    ];
    this.scopes = scopes.flatMap(({ limit, ...scope }) =>
      limit === null ? [] : [{ ...scope, limiter: new SlidingLogLimiter(limit) }],
    );
  }

  /** Counts a request and returns null when it is allowed, else what it exceeded. */
  take(method: string, owner: TokenOwner, now: number): Throttled | null {
    const isWrite = WRITE_METHODS.includes(method);
    const exceeded: string[] = [];
    let retryAfterMs = 0;
    for (const scope of this.scopes) {
      if (scope.writesOnly && !isWrite) continue;
      const key = scope.perApp ? `${owner.tenantId}/${owner.clientId}` : owner.tenantId;
      const decision = scope.limiter.take(key, now);
      if (decision.allowed) continue;
      exceeded.push(scope.label);
      retryAfterMs = Math.max(retryAfterMs, decision.retryAfterMs);
    }
    return exceeded.length === 0 ? null : { exceeded, retryAfterMs };
  }
}

/** The tenant-wide limit: as configured, else twice the app's over its window, none when the app has none. */
function tenantLimit(configured: RateLimit | null | undefined, app: RateLimit | null): RateLimit | null {
  if (configured !== undefined) return configured;
  return app === null ? null : { limit: app.limit * TENANT_FACTOR, windowMs: app.windowMs };
}
