import { type Command, InvalidArgumentError } from "commander";
import { applyConfigFile } from "../config-file.js";
import { UsageError } from "../exit-codes.js";
import { checkPathsExist } from "../options.js";
import { exitCodeOf, sync } from "./outcome.js";
import { printOutcome } from "./output.js";
import { buildSettings, type UploadFlags } from "./settings.js";

/** The `upload` command's action, loaded only when the command runs. */
export async function uploadAction(folders: string[], command: Command): Promise<void> {
  const flags = resolveFlags<UploadFlags>(command);
  checkPathsExist(folders);
  const outcome = await sync(await buildSettings(folders, flags));
  await printOutcome(outcome, { json: flags.json, dryRun: flags.dryRun, warnDays: flags.warnDays });
  process.exitCode = exitCodeOf(outcome.status);
}

/** Options after the config file is applied; commander's own errors become usage errors. */
export function resolveFlags<Flags extends object>(command: Command): Flags {
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
  return command.opts<Flags>();
}
