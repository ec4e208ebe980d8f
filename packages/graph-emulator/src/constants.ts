import type { EmulatorClient } from "./types.js";

export { ALL_FAULT_KINDS } from "./fault-injector.js";

/** The client-credentials app accepted when none are configured. */
export const DEFAULT_CLIENT: EmulatorClient = {
  tenantId: "emulator-tenant",
  clientId: "emulator-client",
  clientSecret: "emulator-secret",
};
