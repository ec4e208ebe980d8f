import { Command } from "commander";
import type { InspectOptions } from "../inspect/inspect.js";
import {
  globOptions,
  maxFileSizeOption,
  maxSignedFileSizeOption,
  PATTERNS_HELP,
  pfxPasswordFileOption,
} from "../options.js";
import { settingSources } from "../setting-source.js";

/** `inspect`: what the parser makes of files, without talking to Graph. */
export function inspectCommand(): Command {
  const [include, exclude] = globOptions();
  return new Command("inspect")
    .summary("show what would be uploaded from certificate files, without contacting Graph")
    .description(
      "Reads certificate files (DER, PEM, base64, PKCS#7, PKCS#12) and signed app artefacts (MSIX, EXE, MSI, CAB, CAT, PowerShell) and shows each certificate's subject, issuer, expiry and whether it would be uploaded (or why it is skipped). Folders are walked recursively, files in sorted path order. Nothing is sent anywhere.",
    )
    .argument("<path...>", "certificate files or folders")
    .option("--json", "print a JSON document on stdout instead of a table", false)
    .addOption(pfxPasswordFileOption())
    .addOption(maxFileSizeOption("files larger than this are too_large (e.g. 10MiB, 512KiB)"))
    .addOption(maxSignedFileSizeOption())
    .addOption(include)
    .addOption(exclude)
    .addHelpText(
      "after",
      "\nExit codes: 0 every file was read, 1 some file failed, 2 usage error.\n\n" +
        "Examples:\n" +
        "  intune-codesign inspect ./certs\n" +
        "  intune-codesign inspect --json --pfx-password-file ~/.pfxpass signing.pfx | jq '.files[].certificates[]'" +
        PATTERNS_HELP,
    )
    .action(async (paths: string[], options: InspectOptions, command: Command) => {
      const { inspectAction } = await import("../inspect/inspect.js");
      await inspectAction(paths, options, settingSources(command, undefined));
    });
}
