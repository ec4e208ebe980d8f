import { GraphClient, RateLimiter, type TokenProvider } from "@intune-codesign/uploader";
import type { Logger } from "pino";
import type { Interruption } from "./interruption.js";
import { phaseDone } from "./phase-log.js";
import { identityKey, TenantIndex } from "./tenant.js";

/** Intune's documented allowance for any request, per app and tenant. */
const INTUNE_READ_LIMIT = { limit: 1000, windowMs: 20_000 };

/** What a Graph client needs from a command's settings. */
export interface GraphSettings {
  graphUrl: string;
  tokenProvider: TokenProvider;
  rateLimit: { limit: number; windowMs: number };
  timeoutMs: number;
  retries: number;
  logger: Logger;
}

/** The Graph client of one command, paced by Intune's limits and stopped by `signal`. */
export function graphClient(settings: GraphSettings, interruption: Interruption): GraphClient {
  return new GraphClient({
    baseUrl: settings.graphUrl,
    tokenProvider: settings.tokenProvider,
    logger: settings.logger,
    timeoutMs: settings.timeoutMs,
    retries: settings.retries,
    writeLimiter: new RateLimiter(settings.rateLimit),
    // Reads have their own allowance; the limiter also makes reads wait out a Retry-After that writes got.
    readLimiter: new RateLimiter(INTUNE_READ_LIMIT),
    // After a stop signal nothing new is sent; requests already sent get the grace period.
    signal: interruption.aborting,
    stop: interruption.stopping,
    // A create whose answer was lost is found by meaning: the tenant may already show its own rendering.
    isCreated: (remote, body) =>
      remote.expirationDateTime !== null &&
      identityKey(remote.subject, remote.issuer, remote.expirationDateTime) ===
        identityKey(body.subject, body.issuer, body.expirationDateTime),
  });
}

/** Lists the tenant once, page by page; a failure is thrown to the caller. */
export async function listTenant(client: GraphClient, logger: Logger): Promise<TenantIndex> {
  const phase = performance.now();
  const tenant = new TenantIndex();
  for await (const page of client.listPages()) for (const object of page) tenant.add(object);
  phaseDone(logger, phase, "tenant listed", { objects: tenant.size });
  return tenant;
}
