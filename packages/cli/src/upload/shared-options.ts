import { type Command, Option } from "commander";
import {
  globOptions,
  LOG_LEVELS,
  maxFileSizeOption,
  maxSignedFileSizeOption,
  pfxPasswordFileOption,
} from "../options.js";
import { UPLOAD_DEFAULTS } from "./defaults.js";

/**
 * The options `upload` and `status` share, declared once: how to reach and authenticate to the tenant and which
 * files to read. They load nothing of the engine at start-up.
 */
export function addTenantAndFileOptions(command: Command): Command {
  const [include, exclude] = globOptions();
  return command
    .optionsGroup("Graph and authentication:")
    .addOption(
      new Option("--graph-url <url>", "Graph base URL (default: the cloud's, with /beta)").env(
        "INTUNE_CODESIGN_GRAPH_URL",
      ),
    )
    .addOption(
      new Option("--cloud <name>", "national cloud: sets Graph host, login authority and scope")
        .choices(["global", "usgov", "usgovdod", "china"])
        .default(UPLOAD_DEFAULTS.cloud)
        .env("INTUNE_CODESIGN_CLOUD"),
    )
    .addOption(
      new Option(
        "--tenant-id <id>",
        "Entra ID tenant: its GUID or a verified domain (contoso.onmicrosoft.com)",
      ).env("AZURE_TENANT_ID"),
    )
    .addOption(
      new Option("--client-id <id>", "app registration's Application (client) ID, a GUID").env(
        "AZURE_CLIENT_ID",
      ),
    )
    .addOption(
      new Option(
        "--client-secret-file <file>",
        "file whose first line is the client secret (or set AZURE_CLIENT_SECRET)",
      ).env("INTUNE_CODESIGN_CLIENT_SECRET_FILE"),
    )
    .addOption(
      new Option("--client-certificate <file>", "PEM with the app's certificate and private key").env(
        "AZURE_CLIENT_CERTIFICATE_PATH",
      ),
    )
    .option(
      "--managed-identity",
      "authenticate as the host's managed identity (AZURE_CLIENT_ID for a user-assigned one)",
      UPLOAD_DEFAULTS.managedIdentity,
    )
    .addOption(
      new Option(
        "--access-token-file <file>",
        "file whose first line is a bearer token (break-glass use)",
      ).env("INTUNE_CODESIGN_ACCESS_TOKEN_FILE"),
    )
    .addOption(
      new Option("--authority-host <url>", "login authority, https (default: the cloud's)").env(
        "AZURE_AUTHORITY_HOST",
      ),
    )
    .optionsGroup("Files:")
    .addOption(pfxPasswordFileOption())
    .addOption(include)
    .addOption(exclude)
    .addOption(maxFileSizeOption("larger files are too_large"))
    .addOption(maxSignedFileSizeOption());
}

/** `--state`, as both commands read the same store. */
export function stateOption(): Option {
  return new Option("--state <path>", "SQLite state store (a lock file sits beside it)")
    .env("INTUNE_CODESIGN_STATE")
    .default(undefined, "$XDG_STATE_HOME/intune-codesign/state.db");
}

/** `--log-level`. */
export function logLevelOption(): Option {
  return new Option("--log-level <level>", "log level on stderr")
    .choices(LOG_LEVELS)
    .default(UPLOAD_DEFAULTS.logLevel)
    .env("LOG_LEVEL");
}
