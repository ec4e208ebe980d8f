import { Command } from "commander";
import { demoCommand } from "./commands/demo.js";
import { emulatorCommand } from "./commands/emulator.js";
import { inspectCommand } from "./commands/inspect.js";
import { statusCommand } from "./commands/status.js";
import { uploadCommand } from "./commands/upload.js";
import { VERSION } from "./version.js";

/** The `intune-codesign` command line: one subcommand per job. */
export function createProgram(): Command {
  const program = new Command("intune-codesign")
    .description(
      "Keeps Intune's enterprise code-signing certificates (Microsoft Graph enterpriseCodeSigningCertificates) in sync with folders of certificate files. Built to run unattended from cron, systemd or Kubernetes.",
    )
    .version(VERSION)
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  program.addHelpText(
    "after",
    "\nExamples:\n" +
      "  intune-codesign demo                                  # try it against a local emulator\n" +
      "  intune-codesign inspect ./certs                       # what would be uploaded, no Graph\n" +
      "  intune-codesign upload --dry-run --managed-identity ./certs\n" +
      "  intune-codesign upload --tenant-id $TENANT --client-id $APP --client-secret-file secret.txt ./certs\n" +
      "  intune-codesign status --managed-identity ./certs           # the tenant, classified; read-only\n\n" +
      "Run `intune-codesign <command> --help` for a command's options, exit codes and examples.",
  );
  program.addCommand(uploadCommand());
  program.addCommand(statusCommand());
  program.addCommand(inspectCommand());
  program.addCommand(emulatorCommand());
  program.addCommand(demoCommand());
  for (const command of program.commands)
    command.exitOverride().showHelpAfterError("(run with --help for usage)");
  return program;
}
