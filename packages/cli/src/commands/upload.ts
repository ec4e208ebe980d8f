import { homedir } from "node:os";
import { join } from "node:path";
import {
  type CertificateStatus,
  type CloudName,
  ConfigError,
  cloudEndpoints,
  createTokenProvider,
  parseRateLimit,
  validateGraphUrl,
} from "@intune-codesign/uploader";
import { Command, InvalidArgumentError, Option } from "commander";
import { applyConfigFile } from "../config-file.js";
import { UsageError } from "../exit-codes.js";
import { createLogger, LOG_LEVELS, type LogLevel } from "../logger.js";
import { checkPathsExist, parseNonNegativeInteger, parsePositiveInteger, parseSize } from "../options.js";
import { createProgress } from "../progress.js";
import { pfxPassword } from "../secrets.js";
import { loadMappingFile } from "../upload/mapping.js";
import { printOutcome } from "../upload/output.js";
import { runUpload, type UploadConfig } from "../upload/run.js";

/** The flags as commander hands them over, after environment and config file are applied. */
export interface UploadFlags {
  graphUrl?: string;
  cloud: CloudName;
  tenantId?: string;
  clientId?: string;
  clientSecretFile?: string;
  clientCertificate?: string;
  managedIdentity: boolean;
  accessTokenFile?: string;
  authorityHost?: string;
  pfxPasswordFile?: string;
  include?: string[];
  exclude?: string[];
  maxFileSize: number;
  state?: string;
  report?: string;
  json: boolean;
  metricsFile?: string;
  warnDays: number;
  map?: string;
  create: boolean;
  force: boolean;
  dryRun: boolean;
  status: CertificateStatus;
  fullDnNames: boolean;
  rateLimit: string;
  concurrency: number;
  timeout: number;
  retries: number;
  logLevel: LogLevel;
  config?: string;
}

/** `upload`: the unattended batch. */
export function uploadCommand(): Command {
  return new Command("upload")
    .summary("sync the certificates in folders to Intune (the cron job)")
    .description(
      "Walks the folders, reads every certificate file, and makes Intune's enterpriseCodeSigningCertificates match:\n" +
        "each eligible certificate is found in the tenant (--map file, state store, GUID file name, or an object with\n" +
        "the same subject, issuer and expiry) and updated with a full PATCH, or created. Certificates already in sync\n" +
        "are not sent again. Settings: flags > environment variables > --config file > defaults.",
    )
    .argument("<folder...>", "folders (or files) of certificates")
    .optionsGroup("Graph and authentication:")
    .addOption(
      new Option("--graph-url <url>", "Graph base URL (default: the cloud's, with /beta)").env(
        "INTUNE_CODESIGN_GRAPH_URL",
      ),
    )
    .addOption(
      new Option("--cloud <name>", "national cloud: sets Graph host, login authority and scope")
        .choices(["global", "usgov", "usgovdod", "china"])
        .default("global")
        .env("INTUNE_CODESIGN_CLOUD"),
    )
    .addOption(new Option("--tenant-id <id>", "Entra ID tenant").env("AZURE_TENANT_ID"))
    .addOption(new Option("--client-id <id>", "app registration's client id").env("AZURE_CLIENT_ID"))
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
      false,
    )
    .addOption(
      new Option(
        "--access-token-file <file>",
        "file whose first line is a bearer token (break-glass use)",
      ).env("INTUNE_CODESIGN_ACCESS_TOKEN_FILE"),
    )
    .addOption(
      new Option("--authority-host <url>", "login authority (default: the cloud's)").env(
        "AZURE_AUTHORITY_HOST",
      ),
    )
    .optionsGroup("Files:")
    .addOption(
      new Option(
        "--pfx-password-file <file>",
        "file whose first line is the PKCS#12 password (or INTUNE_CODESIGN_PFX_PASSWORD)",
      ).env("INTUNE_CODESIGN_PFX_PASSWORD_FILE"),
    )
    .option("--include <glob...>", "only files whose path relative to its folder matches")
    .option("--exclude <glob...>", "skip files whose path relative to its folder matches")
    .addOption(
      new Option("--max-file-size <size>", "larger files are too_large")
        .default(10 * 1024 * 1024, "10MiB")
        .argParser(parseSize),
    )
    .optionsGroup("What is written:")
    .option("--map <file>", 'JSON {"<path relative to its folder>" or "sha256:<hex>": "<object id>"}')
    .option("--no-create", "never create objects: certificates without an object are skipped as unmapped")
    .option("--force", "send every eligible certificate, even those already in sync", false)
    .option("--dry-run", "list the tenant and print the plan; send no write", false)
    .addOption(
      new Option("--status <status>", "the status written")
        .choices(["provisioned", "notProvisioned"])
        .default("provisioned"),
    )
    .option(
      "--full-dn-names",
      "write the full rendered DN into subjectName/issuerName instead of the simple name",
      false,
    )
    .optionsGroup("Pacing and retries:")
    .addOption(
      new Option("--rate-limit <n/window>", "writes allowed per window, shared by all workers (e.g. 50/1s)")
        .default("100/20s")
        .env("INTUNE_CODESIGN_RATE_LIMIT"),
    )
    .addOption(
      new Option("--concurrency <n>", "requests in flight").default(4).argParser(parsePositiveInteger),
    )
    .addOption(
      new Option("--timeout <seconds>", "per-request timeout").default(30).argParser(parsePositiveInteger),
    )
    .addOption(
      new Option("--retries <n>", "retries per request for transient failures")
        .default(6)
        .argParser(parseNonNegativeInteger),
    )
    .optionsGroup("State and output:")
    .addOption(
      new Option("--state <path>", "SQLite state store (a lock file sits beside it)")
        .env("INTUNE_CODESIGN_STATE")
        .default(undefined, "$XDG_STATE_HOME/intune-codesign/state.db"),
    )
    .option("--report <file>", "write the JSON report to this file")
    .option("--json", "print the JSON report on stdout instead of a summary", false)
    .option("--metrics-file <file>", "write a Prometheus textfile-collector file (node_exporter)")
    .addOption(
      new Option("--warn-days <days>", "list certificates expiring within this many days")
        .default(30)
        .argParser(parseNonNegativeInteger),
    )
    .addOption(
      new Option("--log-level <level>", "log level on stderr")
        .choices(LOG_LEVELS)
        .default("info")
        .env("LOG_LEVEL"),
    )
    .option("--config <file>", "JSON file of settings (keys as the long flags in camelCase)")
    .addHelpText("after", UPLOAD_HELP_FOOTER)
    .action(async (folders: string[], _flags: UploadFlags, command: Command) => {
      const flags = resolveFlags(command);
      checkPathsExist(folders);
      const config = buildConfig(folders, flags);
      const outcome = await runUpload(config);
      printOutcome(outcome, { json: flags.json, dryRun: flags.dryRun, warnDays: flags.warnDays });
      process.exitCode = outcome.exitCode;
    });
}

const UPLOAD_HELP_FOOTER = `
Exit codes (stable):
  0    every certificate synced or deliberately skipped
  1    some file or certificate failed (the rest of the batch ran)
  2    usage or configuration error
  3    authentication or authorization failed (nothing could be sent)
  4    another run holds the lock (this run did nothing)
  130  interrupted by SIGINT/SIGTERM (requests in flight finished, state and report written)

Authentication (first that applies): --access-token-file; --managed-identity; a client secret
(--client-secret-file or AZURE_CLIENT_SECRET); a client certificate (--client-certificate or
AZURE_CLIENT_CERTIFICATE_PATH); workload identity (AZURE_FEDERATED_TOKEN_FILE, as AKS sets it).
The app needs the Graph application permission DeviceManagementApps.ReadWrite.All.

Examples:
  intune-codesign upload --tenant-id $TENANT --client-id $APP --client-secret-file /etc/intune-codesign/secret /srv/certs
  intune-codesign upload --dry-run --json /srv/certs | jq .summary
  intune-codesign upload --metrics-file /var/lib/node_exporter/textfile/intune_codesign.prom /srv/certs`;

/** Options after the config file is applied; commander's own errors become usage errors. */
function resolveFlags(command: Command): UploadFlags {
  const configPath = command.getOptionValue("config") as string | undefined;
  if (configPath) {
    try {
      applyConfigFile(command, configPath);
    } catch (error) {
      if (error instanceof InvalidArgumentError)
        throw new UsageError(`--config ${configPath}: ${error.message}`);
      throw error;
    }
  }
  return command.opts<UploadFlags>();
}

/** Turns flags into a run's configuration; every bad value is a usage error (exit 2) before anything is touched. */
export function buildConfig(folders: string[], flags: UploadFlags): UploadConfig {
  try {
    const cloud = cloudEndpoints(flags.cloud);
    const graphUrl = validateGraphUrl(flags.graphUrl ?? cloud.graphUrl)
      .toString()
      .replace(/\/$/, "");
    const logger = createLogger(flags.logLevel);
    return {
      roots: folders,
      include: flags.include,
      exclude: flags.exclude,
      maxFileSize: flags.maxFileSize,
      pfxPassword: pfxPassword(flags.pfxPasswordFile),
      graphUrl,
      tokenProvider: createTokenProvider({
        accessTokenFile: flags.accessTokenFile,
        tenantId: flags.tenantId,
        clientId: flags.clientId,
        clientSecretFile: flags.clientSecretFile,
        certificatePath: flags.clientCertificate,
        managedIdentity: flags.managedIdentity,
        authorityHost: flags.authorityHost ?? cloud.authorityHost,
        scope: cloud.scope,
      }),
      statePath: flags.state ?? defaultStatePath(),
      reportPath: flags.report,
      metricsFile: flags.metricsFile,
      mapping: flags.map ? loadMappingFile(flags.map) : null,
      dryRun: flags.dryRun,
      force: flags.force,
      create: flags.create,
      body: { status: flags.status, fullDnNames: flags.fullDnNames },
      rateLimit: parseRateLimit(flags.rateLimit),
      concurrency: flags.concurrency,
      timeoutMs: flags.timeout * 1000,
      retries: flags.retries,
      logger,
      progress: createProgress(),
    };
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
}

/** `$XDG_STATE_HOME/intune-codesign/state.db`, falling back to `~/.local/state/…` as the XDG spec says. */
export function defaultStatePath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_STATE_HOME?.startsWith("/") ? env.XDG_STATE_HOME : join(homedir(), ".local", "state");
  return join(base, "intune-codesign", "state.db");
}
