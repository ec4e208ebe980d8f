import { runUpload, UsageError } from "@intune-codesign/sync";
import { type Command, InvalidArgumentError } from "commander";
import { applyConfigFile } from "../config-file.js";
import { checkPathsExist } from "../options.js";
import { buildConfig, type UploadFlags } from "./config.js";
import { printOutcome } from "./output.js";

/** The `upload` command's action, loaded only when the command runs. */
export async function uploadAction(folders: string[], command: Command): Promise<void> {
  const flags = resolveFlags(command);
  checkPathsExist(folders);
  const outcome = await runUpload(await buildConfig(folders, flags));
  await printOutcome(outcome, { json: flags.json, dryRun: flags.dryRun, warnDays: flags.warnDays });
  process.exitCode = outcome.exitCode;
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
