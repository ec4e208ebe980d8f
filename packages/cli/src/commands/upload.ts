import { Command, Option } from "commander";
import { PATTERNS_HELP, parseNonNegativeInteger, parsePositiveInteger } from "../options.js";
import { UPLOAD_DEFAULTS } from "../upload/defaults.js";
import { parseDuration, parsePruneClasses } from "../upload/flag-parsers.js";
import type { UploadFlags } from "../upload/settings.js";
import { addTenantAndFileOptions, logLevelOption, stateOption } from "../upload/shared-options.js";

/** `upload`: the unattended batch. */
export function uploadCommand(): Command {
  return addTenantAndFileOptions(new Command("upload"))
    .summary("sync the certificates in folders to Intune (the cron job)")
    .description(
      "Walks the folders, reads every certificate file, and makes Intune's enterpriseCodeSigningCertificates match: each eligible certificate is found in the tenant (--map file, state store, GUID file name, or an object with the same subject, issuer and expiry) and updated with a full PATCH, or created. Certificates already in sync are not sent again. Folders are walked recursively in sorted path order; symlinks are followed only inside the folders, and entries named `..*` (Kubernetes volume internals) are skipped. Settings: flags > environment variables > --config file > defaults.",
    )
    .argument("<folder...>", "folders (or files) of certificates")
    .option(
      "--allow-empty",
      "a folder with no file is not an error (default: a warning and exit 1, as for an unmounted volume)",
      UPLOAD_DEFAULTS.allowEmpty,
    )
    .optionsGroup("What is written:")
    .option(
      "--map <file>",
      'JSON {"<path relative to its folder>" or "sha256:<hex>": "<object id GUID>"}; a key that matches no file is a warning (unused_map_key)',
    )
    .option(
      "--no-create",
      "never create objects: certificates without an object are skipped as unmapped, and a --map key that matches no file is an error",
    )
    .option("--force", "send every eligible certificate, even those already in sync", UPLOAD_DEFAULTS.force)
    .option(
      "--dry-run",
      "list the tenant and print the plan (what the real run would do, deletes included); send no write",
      UPLOAD_DEFAULTS.dryRun,
    )
    .addOption(
      new Option(
        "--prune <classes>",
        "delete objects this tool wrote that are orphan, expired and/or superseded (comma-separated; never unmanaged ones)",
      ).argParser(parsePruneClasses),
    )
    .addOption(
      new Option(
        "--prune-grace <duration>",
        "expired and superseded objects are pruned this long after expiry",
      )
        .default(UPLOAD_DEFAULTS.pruneGrace, "30d")
        .argParser(parseDuration),
    )
    .addOption(
      new Option("--max-deletes <n>", "a run that would delete more deletes nothing and fails (prune_limit)")
        .default(UPLOAD_DEFAULTS.maxDeletes)
        .argParser(parseNonNegativeInteger),
    )
    .addOption(
      new Option("--status <status>", "the status written")
        .choices(["provisioned", "notProvisioned"])
        .default(UPLOAD_DEFAULTS.status),
    )
    .option(
      "--full-dn-names",
      "write the full rendered DN into subjectName/issuerName instead of the simple name",
      UPLOAD_DEFAULTS.fullDnNames,
    )
    .optionsGroup("Pacing and retries:")
    .addOption(
      new Option("--rate-limit <n/window>", "writes allowed per window, shared by all workers (e.g. 50/1s)")
        .default(UPLOAD_DEFAULTS.rateLimit)
        .env("INTUNE_CODESIGN_RATE_LIMIT"),
    )
    .addOption(
      new Option("--concurrency <n>", "requests in flight")
        .default(UPLOAD_DEFAULTS.concurrency)
        .argParser(parsePositiveInteger),
    )
    .addOption(
      new Option("--timeout <seconds>", "per-request timeout")
        .default(UPLOAD_DEFAULTS.timeout)
        .argParser(parsePositiveInteger),
    )
    .addOption(
      new Option("--retries <n>", "retries per request for transient failures")
        .default(UPLOAD_DEFAULTS.retries)
        .argParser(parseNonNegativeInteger),
    )
    .optionsGroup("State and output:")
    .addOption(stateOption())
    .option("--report <file>", "write the JSON report to this file")
    .option("--json", "print the JSON report on stdout instead of a summary", UPLOAD_DEFAULTS.json)
    .option("--metrics-file <file>", "write a Prometheus textfile-collector file (node_exporter)")
    .addOption(
      new Option("--warn-days <days>", "list certificates expiring within this many days")
        .default(UPLOAD_DEFAULTS.warnDays)
        .argParser(parseNonNegativeInteger),
    )
    .addOption(logLevelOption())
    .option("--config <file>", "JSON file of settings (keys as the long flags in camelCase)")
    .addHelpText("after", UPLOAD_HELP_FOOTER + PATTERNS_HELP)
    .action(async (folders: string[], _flags: UploadFlags, command: Command) => {
      const { uploadAction } = await import("../upload/action.js");
      await uploadAction(folders, command);
    });
}

const UPLOAD_HELP_FOOTER = `
Exit codes (stable):
  0    every certificate synced or deliberately skipped
  1    some file or certificate failed, or a folder yielded no file (the rest of the batch ran)
  2    usage or configuration error, or an output path that cannot be written (nothing was sent)
  3    authentication or authorization failed: credential, tenant or consent (nothing could be sent)
  4    another run holds the lock (this run did nothing)
  5    could not reach Microsoft: DNS, connection, TLS or proxy (nothing could be sent)
  130  interrupted by SIGINT/SIGTERM (requests in flight finished, state and report written)

Authentication (the first that applies):
  --access-token-file F      a bearer token (break-glass use)
  --managed-identity         the host's managed identity (--client-id or AZURE_CLIENT_ID for a user-assigned one)
  client secret              --client-secret-file F, or AZURE_CLIENT_SECRET
  client certificate         --client-certificate F (PEM with the private key), or AZURE_CLIENT_CERTIFICATE_PATH
                             (and AZURE_CLIENT_CERTIFICATE_PASSWORD if the key is encrypted)
  workload identity          AZURE_FEDERATED_TOKEN_FILE, as AKS sets it
Client secret, certificate and workload identity also need --tenant-id/--client-id (or AZURE_TENANT_ID,
AZURE_CLIENT_ID). The app needs the Graph application permission DeviceManagementApps.ReadWrite.All
(DeviceManagementApps.Read.All is enough for --dry-run).

Examples:
  intune-codesign upload --tenant-id $TENANT --client-id $APP --client-secret-file /etc/intune-codesign/secret /srv/certs
  intune-codesign upload --managed-identity --dry-run /srv/certs
  intune-codesign upload --cloud usgov --client-certificate /etc/intune-codesign/app.pem --tenant-id $TENANT --client-id $APP /srv/certs
  intune-codesign upload --include '*.pem' --include '*.cer' --exclude '*.key' /etc/certs
  intune-codesign upload --dry-run --json /srv/certs | jq .summary
  intune-codesign upload --prune orphan,expired,superseded --max-deletes 5 /srv/certs
  intune-codesign upload --metrics-file /var/lib/node_exporter/textfile/intune_codesign.prom /srv/certs`;
