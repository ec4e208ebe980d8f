import { OutputPathError, prepareOutputPath } from "@intune-codesign/sync";
import type { Command } from "commander";
import { applyConfigFile } from "../config-file.js";
import { UsageError } from "../exit-codes.js";
import { checkPathsExist } from "../options.js";
import { type SettingSource, settingSources } from "../setting-source.js";
import { exitCodeOf, sync } from "./outcome.js";
import { printOutcome } from "./output.js";
import { buildSettings, type UploadFlags } from "./settings.js";

/** The `upload` command's action, loaded only when the command runs. */
export async function uploadAction(folders: string[], command: Command): Promise<void> {
  const flags = resolveFlags<UploadFlags>(command);
  const source = settingSources(command, flags.config);
  checkPathsExist(folders);
  const settings = await buildSettings(folders, flags, source);
  prepareOutputs(source, { state: settings.statePath, report: flags.report, metricsFile: flags.metricsFile });
  const outcome = await sync(settings);
  await printOutcome(outcome, { json: flags.json, dryRun: flags.dryRun, warnDays: flags.warnDays });
  if (outcome.status === "disk_full") {
    process.stderr.write(
      "intune-codesign: disk_full: the disk under the state store is full; the run stopped taking work (see the log for what was sent)\n",
    );
  }
  if (outcome.status === "misconfigured") {
    const keys = outcome.report.warnings
      .filter((w) => w.code === "unused_map_key")
      .map((w) => `"${w.subject}"`);
    process.stderr.write(
      `intune-codesign: --no-create: --map key(s) ${keys.join(", ")} match no file, so nothing was sent; fix the keys (paths relative to the folder given) or drop --no-create\n`,
    );
  }
  process.exitCode = exitCodeOf(outcome.status);
}

/**
 * Every file the run will write is checked (its folder created, a file made and removed there) before the first
 * request, so that an unwritable report is found before the writes it would have recorded, not after.
 */
function prepareOutputs(
  source: SettingSource,
  paths: Record<"state" | "report" | "metricsFile", string | undefined>,
) {
  for (const [key, path] of Object.entries(paths)) {
    if (path === undefined) continue;
    try {
      prepareOutputPath(path);
    } catch (error) {
      if (!(error instanceof OutputPathError)) throw error;
      throw new UsageError(`${source(key)} ${path}: ${error.message}; give a path this user can write`);
    }
  }
}

/** Options after the config file is applied (flags and environment win over it). */
export function resolveFlags<Flags extends object>(command: Command): Flags {
  const configPath = command.getOptionValue("config") as string | undefined;
  if (configPath) applyConfigFile(command, configPath);
  return command.opts<Flags>();
}
