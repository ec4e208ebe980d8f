import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { EmulatorClient } from "@intune-codesign/graph-emulator";
import type { Scenario } from "./scenario.js";

/** The app a client-secret run authenticates as; the secret is distinctive so that a leak can be grepped for. */
export const APP: EmulatorClient = {
  tenantId: "8f3c2a71-5d4e-4b6a-9c1f-2e7d8a9b0c13",
  clientId: "4a1b2c3d-5e6f-4789-8abc-def012345678",
  clientSecret: "cs~Zq8.Xw3-kV9_client-secret-7f1e",
};

/**
 * Upload arguments and environment for the client-secret credential against an HTTPS emulator: the secret in a
 * file, ids in AZURE_*, the emulator as login authority, its CA trusted through NODE_EXTRA_CA_CERTS.
 */
export function clientSecretRun(scenario: Scenario, extra: string[] = []) {
  const secretFile = join(scenario.root, "client-secret");
  writeFileSync(secretFile, `${APP.clientSecret}\n`);
  const args = [
    "upload",
    "--graph-url",
    scenario.emulator.url,
    "--authority-host",
    scenario.emulator.rootUrl,
    "--client-secret-file",
    secretFile,
    "--state",
    scenario.state,
    "--json",
    ...extra,
    scenario.certs,
  ];
  const env = {
    NODE_EXTRA_CA_CERTS: scenario.emulator.caCertPath ?? "",
    AZURE_TENANT_ID: APP.tenantId,
    AZURE_CLIENT_ID: APP.clientId,
  };
  return { args, env };
}
