import { Command, Option } from "commander";
import { PATTERNS_HELP } from "../options.js";
import type { StatusFlags } from "../status/action.js";
import { parseDuration, parseStatusClasses } from "../upload/flag-parsers.js";
import { addTenantAndFileOptions, logLevelOption, stateOption } from "../upload/shared-options.js";

/** `status`: the tenant as it is, joined with the folders and the state store; read-only. */
export function statusCommand(): Command {
  return addTenantAndFileOptions(new Command("status"))
    .summary("show every object in the tenant and how it relates to the folders (read-only)")
    .description(
      "Lists the tenant once and joins it with the folders and the state store, by the same walk, cache and look-up chain as upload: every object appears once with its class (in_sync, drift, orphan, unmanaged, superseded, duplicate) and the flags expired/expiring; every certificate in the folders without an object appears as missing. Without folders, objects are classified from the state store alone. Sends no write, takes no lock, writes nothing to the state store.",
    )
    .argument("[folder...]", "folders (or files) of certificates; none: the tenant alone")
    .optionsGroup("Status:")
    .option(
      "--map <file>",
      'JSON {"<path relative to its folder>" or "sha256:<hex>": "<object id>"}, as upload',
    )
    .addOption(
      new Option("--expiring-within <duration>", "objects expiring within this are flagged expiring")
        .default(30 * 24 * 60 * 60 * 1000, "30d")
        .argParser(parseDuration),
    )
    .addOption(
      new Option(
        "--fail-on <classes>",
        "exit 1 when any of these occurs (comma-separated classes and flags, e.g. expired,expiring,drift,missing)",
      ).argParser(parseStatusClasses),
    )
    .option("--json", "print the JSON document on stdout instead of a table", false)
    .optionsGroup("State and output:")
    .addOption(stateOption())
    .addOption(logLevelOption())
    .option("--config <file>", "JSON file of settings (keys as the long flags in camelCase)")
    .addHelpText("after", STATUS_HELP_FOOTER + PATTERNS_HELP)
    .action(async (folders: string[], _flags: StatusFlags, command: Command) => {
      const { statusAction } = await import("../status/action.js");
      await statusAction(folders, command);
    });
}

const STATUS_HELP_FOOTER = `
Classes (each object has one; expired and expiring are flags on top):
  in_sync     a file backs it and its fields agree (names as names, the expiry as an instant)
  drift       a file backs it but fields differ (listed: field, tenant's value → file's value)
  orphan      this tool wrote it and no file backs it now
  unmanaged   no file backs it and this tool never wrote it (never pruned)
  superseded  this tool wrote it and a renewal (same subject and issuer, later expiry, same file or folder) replaced it
  duplicate   another object for a certificate that already has one
  missing     a certificate in the folders with no object (not an object: id is null)

Exit codes: 0 the tenant was listed (and no --fail-on class occurred), 1 a --fail-on class occurred or the
listing failed, 2 usage error, 3 authentication failed, 5 Microsoft could not be reached, 130 interrupted.

Examples:
  intune-codesign status --managed-identity /srv/certs
  intune-codesign status --json --access-token-file token | jq '.entries[] | select(.class == "drift")'
  intune-codesign status --fail-on expired,expiring,drift,missing --expiring-within 14d /srv/certs`;
