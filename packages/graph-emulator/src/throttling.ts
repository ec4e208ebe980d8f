import { INTUNE_TENANT_FACTOR } from "@intune-codesign/graph-contract";
import { DEFAULT_REQUEST_LIMIT, DEFAULT_WRITE_LIMIT } from "./constants.js";
import { SlidingLogLimiter } from "./rate-limiter.js";
import type { TokenOwner } from "./token-registry.js";
import type { EmulatorOptions, RateLimit } from "./types.js";

/** The methods Intune counts as writes. */
const WRITE_METHODS = ["POST", "PUT", "PATCH", "DELETE"];

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
    const appWrites = options.writeLimit === undefined ? DEFAULT_WRITE_LIMIT : options.writeLimit;
    const appRequests = options.requestLimit === undefined ? DEFAULT_REQUEST_LIMIT : options.requestLimit;
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
        limit: tenantLimit(options.tenantRequestLimit, appRequests),
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
  return app === null ? null : { limit: app.limit * INTUNE_TENANT_FACTOR, windowMs: app.windowMs };
}
