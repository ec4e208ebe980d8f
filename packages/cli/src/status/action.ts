import { runStatus, StateStoreError, type StatusOutcome } from "@intune-codesign/sync";
import { parseRateLimit } from "@intune-codesign/uploader";
import type { Command } from "commander";
import { ExitCode, type ExitCodeValue, ExitError } from "../exit-codes.js";
import { checkPathsExist } from "../options.js";
import { settingSources } from "../setting-source.js";
import { resolveFlags } from "../upload/action.js";
import { UPLOAD_DEFAULTS } from "../upload/defaults.js";
import type { FailOnClass } from "../upload/flag-parsers.js";
import { type TenantFlags, tenantSettings } from "../upload/settings.js";
import { printStatus } from "./output.js";

/** The flags of `status`, after environment and config file are applied. */
export interface StatusFlags extends TenantFlags {
  expiringWithin: number;
  failOn?: FailOnClass[];
  json: boolean;
  config?: string;
}

/** The `status` command's action, loaded only when the command runs. */
export async function statusAction(folders: string[], command: Command): Promise<void> {
  const flags = resolveFlags<StatusFlags>(command);
  checkPathsExist(folders);
  const settings = await tenantSettings(folders, flags, settingSources(command, flags.config));
  let outcome: StatusOutcome;
  try {
    outcome = await runStatus({
      ...settings,
      body: { status: UPLOAD_DEFAULTS.status, fullDnNames: UPLOAD_DEFAULTS.fullDnNames },
      rateLimit: parseRateLimit(UPLOAD_DEFAULTS.rateLimit),
      timeoutMs: UPLOAD_DEFAULTS.timeout * 1000,
      retries: UPLOAD_DEFAULTS.retries,
      expiringWithinMs: flags.expiringWithin,
    });
  } catch (error) {
    // A --state that names another application's file (or a folder) is refused, as upload refuses it: exit 2.
    if (error instanceof StateStoreError) throw new ExitError(ExitCode.usage, error.message);
    throw error;
  }
  await printStatus(outcome, { json: flags.json });
  process.exitCode = statusExitCode(outcome, flags.failOn ?? []);
}

/** 0 when the tenant was seen and no `--fail-on` class occurred; 1 when one did or the listing failed. */
export function statusExitCode(outcome: StatusOutcome, failOn: FailOnClass[]): ExitCodeValue {
  switch (outcome.result) {
    case "auth_failed":
      return ExitCode.auth;
    case "unreachable":
      return ExitCode.unreachable;
    case "interrupted":
      return ExitCode.interrupted;
    case "failed":
      return ExitCode.failed;
    case "ok": {
      const wanted = new Set<string>(failOn);
      const hit = outcome.entries.some(
        (e) =>
          wanted.has(e.class) ||
          (e.expired && wanted.has("expired")) ||
          (e.expiring && wanted.has("expiring")),
      );
      return hit ? ExitCode.failed : ExitCode.ok;
    }
  }
}
