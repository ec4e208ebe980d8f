import { type Command, InvalidArgumentError } from "commander";
import { applyConfigFile } from "../config-file.js";
import { UsageError } from "../exit-codes.js";
import { checkPathsExist } from "../options.js";
import { exitCodeOf, sync } from "./outcome.js";
import { printOutcome } from "./output.js";
import { buildSettings, type UploadFlags } from "./settings.js";

/** The `upload` command's action, loaded only when the command runs. */
export async function uploadAction(folders: string[], command: Command): Promise<void> {
  const flags = resolveFlags(command);
  checkPathsExist(folders);
  const outcome = await sync(await buildSettings(folders, flags));
  await printOutcome(outcome, { json: flags.json, dryRun: flags.dryRun, warnDays: flags.warnDays });
  if (outcome.status === "disk_full") {
    process.stderr.write(
      "intune-codesign: disk_full: the disk under the state store is full; the run stopped taking work (see the log for what was sent)\n",
    );
  }
  process.exitCode = exitCodeOf(outcome.status);
}

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
