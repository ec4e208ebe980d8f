import { INTUNE_REQUEST_LIMIT, INTUNE_WRITE_LIMIT, type RateLimit } from "@intune-codesign/graph-contract";
import type { EmulatorClient, FaultKind } from "./types.js";

export { formatRateLimit } from "@intune-codesign/graph-contract";

/** The client-credentials app accepted when none are configured. */
export const DEFAULT_CLIENT: EmulatorClient = {
  tenantId: "emulator-tenant",
  clientId: "emulator-client",
  clientSecret: "emulator-secret",
};

/** Writes per app and tenant when none is configured: Intune's documented limit. */
export const DEFAULT_WRITE_LIMIT: RateLimit = INTUNE_WRITE_LIMIT;

/** Requests of any kind, writes included, per app and tenant when none is configured: Intune's documented limit. */
export const DEFAULT_REQUEST_LIMIT: RateLimit = INTUNE_REQUEST_LIMIT;

/** Every fault kind, in the order a seed maps onto them. */
export const ALL_FAULT_KINDS: readonly FaultKind[] = [
  "429",
  "429-http-date",
  "500",
  "502",
  "503",
  "503-retry-after",
  "504",
  "reset-before-response",
  "reset-after-create",
  "latency",
  "401-expired-token",
  // Last, so that adding it left the sequence of every other request kind as it was for a seed.
  "reset-after-delete",
];
