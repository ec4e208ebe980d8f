import { randomBytes } from "node:crypto";

import { READ_WRITE_ROLE } from "./permissions.js";

/** Who a token was issued to, and the application roles it carries; throttling is counted per identity. */
export interface TokenOwner {
  tenantId: string;
  clientId: string;
  roles: readonly string[];
}

/** The identity static tokens share, so they count as one app; they may write. */
const STATIC_OWNER: TokenOwner = { tenantId: "static", clientId: "static", roles: [READ_WRITE_ROLE] };

/** The outcome of checking a bearer token. */
export type TokenCheck = { ok: true; owner: TokenOwner } | { ok: false; reason: "unknown" | "expired" };

/** Opaque random bearer tokens with an expiry; kept in memory only, never logged or persisted. */
export class TokenRegistry {
  private readonly tokens = new Map<string, { owner: TokenOwner; expiresAt: number }>();

  constructor(
    private readonly now: () => number,
    staticTokens: readonly string[],
  ) {
    for (const token of staticTokens) this.tokens.set(token, { owner: STATIC_OWNER, expiresAt: Infinity });
  }

  /** Mints a token for `owner`, valid for `lifetimeSeconds`. */
  issue(owner: TokenOwner, lifetimeSeconds: number): string {
    const token = randomBytes(32).toString("base64url");
    this.tokens.set(token, { owner, expiresAt: this.now() + lifetimeSeconds * 1000 });
    return token;
  }

  /** Checks a bearer token. */
  check(token: string): TokenCheck {
    const entry = this.tokens.get(token);
    if (!entry) return { ok: false, reason: "unknown" };
    if (this.now() >= entry.expiresAt) return { ok: false, reason: "expired" };
    return { ok: true, owner: entry.owner };
  }
}
