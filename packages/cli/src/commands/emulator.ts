// The constants only: this file loads with every command, the emulator itself only when `emulator` runs.
import type { EmulatorClient, FaultKind } from "@intune-codesign/graph-emulator";
import {
  ALL_FAULT_KINDS,
  DEFAULT_CLIENT,
  DEFAULT_REQUEST_LIMIT,
  DEFAULT_WRITE_LIMIT,
  formatRateLimit,
} from "@intune-codesign/graph-emulator/constants";
import { Command, InvalidArgumentError, Option } from "commander";
import { parseNonNegativeInteger, parsePositiveInteger } from "../options.js";

/** The `emulator` flags, parsed. */
export interface EmulatorFlags {
  host: string;
  port: number;
  https: boolean;
  certDir?: string;
  data?: string;
  pageSize: number;
  patchResponse: "alternate" | "200" | "204";
  /** `N/<window>` (parsed when the emulator starts) or "none". */
  writeLimit: string;
  requestLimit: string;
  tenantWriteLimit?: string;
  tenantRequestLimit?: string;
  faultRate: number;
  faultKinds?: FaultKind[];
  seed: number;
  retryAfter: number;
  latency: number;
  tokenLifetime: number;
  tokenFile?: string;
  client?: EmulatorClient[];
  renderNames?: "immediate" | "late";
  /** Roles per client id, from `--roles <client-id>=<role>,…`. */
  roles?: Array<{ clientId: string; roles: string[] }>;
}

function parseRate(value: string): number {
  const rate = Number(value);
  if (!(rate >= 0 && rate <= 1)) throw new InvalidArgumentError("expected a rate between 0 and 1");
  return rate;
}

function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!(seconds >= 0)) throw new InvalidArgumentError("expected a number of seconds");
  return seconds;
}

/** `<tenant>:<client>:<secret>`; the secret may itself contain colons. */
function parseClient(value: string, previous: EmulatorClient[] = []): EmulatorClient[] {
  const match = /^([^:]+):([^:]+):(.+)$/.exec(value);
  if (!match) throw new InvalidArgumentError("expected <tenant>:<client>:<secret>");
  const [, tenantId = "", clientId = "", clientSecret = ""] = match;
  return [...previous, { tenantId, clientId, clientSecret }];
}

/** `<client-id>=<role>,<role>…`; nothing after `=` means no roles at all. */
function parseRoles(
  value: string,
  previous: NonNullable<EmulatorFlags["roles"]> = [],
): NonNullable<EmulatorFlags["roles"]> {
  const match = /^([^=]+)=(.*)$/.exec(value);
  if (!match) throw new InvalidArgumentError("expected <client-id>=<role>[,<role>…]");
  const [, clientId = "", list = ""] = match;
  const roles = list
    .split(",")
    .map((role) => role.trim())
    .filter((role) => role !== "");
  return [...previous, { clientId, roles }];
}

/** `emulator`: a local stand-in for Graph's enterpriseCodeSigningCertificates, for trials and tests. */
export function emulatorCommand(): Command {
  return new Command("emulator")
    .summary("run a local Graph emulator (for trying the tool and for tests)")
    .description(
      "Serves a faithful local stand-in for Microsoft Graph's enterpriseCodeSigningCertificates API, with an OAuth2 client-credentials token endpoint, Intune-like throttling and seeded fault injection. Runs until SIGINT/SIGTERM.",
    )
    .option("--host <address>", "address to listen on", "127.0.0.1")
    .addOption(
      new Option("--port <n>", "port (0 = a free one)").default(0).argParser(parseNonNegativeInteger),
    )
    .option(
      "--https",
      "serve HTTPS with a generated self-signed certificate (needed by @azure/identity)",
      false,
    )
    .option("--cert-dir <dir>", "where the HTTPS certificate (ca.pem) is written")
    .option("--data <file>", "persist the objects in this JSON file across restarts")
    .addOption(
      new Option("--page-size <n>", "objects per list page").default(100).argParser(parsePositiveInteger),
    )
    .addOption(
      new Option("--patch-response <code>", "how PATCH answers")
        .choices(["alternate", "200", "204"])
        .default("alternate"),
    )
    .addOption(
      new Option("--write-limit <n/window>", 'writes per app and tenant, or "none"').default(
        formatRateLimit(DEFAULT_WRITE_LIMIT),
      ),
    )
    .addOption(
      new Option(
        "--request-limit <n/window>",
        'requests of any kind (writes included) per app and tenant, or "none"',
      ).default(formatRateLimit(DEFAULT_REQUEST_LIMIT)),
    )
    .option(
      "--tenant-write-limit <n/window>",
      'writes per tenant across its apps, or "none" (default: twice --write-limit)',
    )
    .option(
      "--tenant-request-limit <n/window>",
      'requests of any kind per tenant across its apps, or "none" (default: twice --request-limit)',
    )
    .addOption(
      new Option("--fault-rate <r>", "share of Graph requests given a fault (0..1)")
        .default(0)
        .argParser(parseRate),
    )
    .addOption(
      new Option("--fault-kinds <kind...>", "faults to inject (default: all)").choices(ALL_FAULT_KINDS),
    )
    .addOption(
      new Option("--seed <n>", "seed of the fault sequence").default(1).argParser(parseNonNegativeInteger),
    )
    .addOption(
      new Option("--retry-after <seconds>", "Retry-After sent with injected 429/503")
        .default(1)
        .argParser(parseSeconds),
    )
    .addOption(
      new Option("--latency <ms>", "delay of an injected slow response")
        .default(2000)
        .argParser(parseNonNegativeInteger),
    )
    .addOption(
      new Option("--token-lifetime <seconds>", "lifetime of issued tokens")
        .default(3600)
        .argParser(parsePositiveInteger),
    )
    .addOption(
      new Option(
        "--render-names [when]",
        "the tenant derives subject, issuer, their simple names and the expiry from content in its own rendering: immediate (in the answer to the write) or late (only in later reads)",
      )
        .choices(["immediate", "late"])
        .preset("immediate"),
    )
    .option(
      "--token-file <file>",
      "write a fresh bearer token of the first client here (for upload --access-token-file)",
    )
    .option(
      "--client <tenant:client:secret>",
      "an app the token endpoint accepts; repeatable (default: the one below)",
      parseClient,
    )
    .option(
      "--roles <client-id=roles>",
      'application roles of a client\'s tokens, comma-separated; repeatable (default: "DeviceManagementApps.ReadWrite.All"; "DeviceManagementApps.Read.All" reads only)',
      parseRoles,
    )
    .addHelpText(
      "after",
      `\nWithout --client, the token endpoint accepts tenant "${DEFAULT_CLIENT.tenantId}", client "${DEFAULT_CLIENT.clientId}", secret "${DEFAULT_CLIENT.clientSecret}".\n\n` +
        "Examples:\n" +
        "  intune-codesign emulator --port 8443 --token-file /tmp/token &\n" +
        "  intune-codesign upload --graph-url http://127.0.0.1:8443/beta --access-token-file /tmp/token ./certs\n" +
        `  intune-codesign emulator --roles ${DEFAULT_CLIENT.clientId}=DeviceManagementApps.Read.All   # a read-only app`,
    )
    .action(async (flags: EmulatorFlags) => {
      const { serveEmulator } = await import("../emulator/serve.js");
      await serveEmulator(flags);
    });
}
