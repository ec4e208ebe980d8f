import { Command } from "commander";
import { demoCommand } from "./commands/demo.js";
import { emulatorCommand } from "./commands/emulator.js";
import { inspectCommand } from "./commands/inspect.js";
import { uploadCommand } from "./commands/upload.js";
import { VERSION } from "./version.js";

/** The `intune-codesign` command line: one subcommand per job. */
export function createProgram(): Command {
  const program = new Command("intune-codesign")
    .description(
      "Keeps Intune's enterprise code-signing certificates (Microsoft Graph enterpriseCodeSigningCertificates)\n" +
        "in sync with folders of certificate files. Built to run unattended from cron, systemd or Kubernetes.",
    )
    .version(VERSION)
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({
      writeOut: (text) => process.stdout.write(text),
      writeErr: (text) => process.stderr.write(text),
    })
    .exitOverride();
  program.addCommand(uploadCommand());
  program.addCommand(inspectCommand());
  program.addCommand(emulatorCommand());
  program.addCommand(demoCommand());
  for (const command of program.commands)
    command.exitOverride().showHelpAfterError("(run with --help for usage)");
  return program;
}
