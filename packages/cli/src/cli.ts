import { printable } from "@intune-codesign/sync/printable";
import { CommanderError } from "commander";
import { ExitCode, ExitError } from "./exit-codes.js";
import { createProgram } from "./program.js";

/** The process entry: runs the program and maps every way it can end to a documented exit code, in one place. */
async function main(argv: string[]): Promise<void> {
  try {
    await createProgram().parseAsync(argv);
  } catch (error) {
    process.exitCode = await exitCodeFor(error);
  }
}

async function exitCodeFor(error: unknown): Promise<number> {
  if (error instanceof CommanderError) {
    // Help and version are successes; any other parse failure is a usage error, whatever commander's own code.
    return error.code === "commander.helpDisplayed" ||
      error.code === "commander.version" ||
      error.code === "commander.help"
      ? ExitCode.ok
      : ExitCode.usage;
  }
  // Messages name paths and values as given: shown escaped, as all human output is.
  if (error instanceof ExitError) {
    process.stderr.write(`intune-codesign: ${printable(error.message)}\n`);
    return error.exitCode;
  }
  // The uploader's ConfigError (a bad option value or secret file) is a usage error; matched by name so that
  // start-up does not load the uploader just to recognise it.
  if (error instanceof Error && error.name === "ConfigError") {
    process.stderr.write(`intune-codesign: ${printable(error.message)}\n`);
    return ExitCode.usage;
  }
  // A path the admin named that the OS refuses (permissions, read-only or full disk, a file where a folder should
  // be): one line naming it, never a stack trace. Loaded here only, to keep start-up light.
  const { isExpectedOsError, osErrorWords } = await import("@intune-codesign/sync");
  if (isExpectedOsError(error)) {
    const { syscall, path } = error;
    process.stderr.write(`intune-codesign: ${syscall ?? "error"} ${path ?? ""}: ${osErrorWords(error)}\n`);
    return ExitCode.usage;
  }
  process.stderr.write(
    `intune-codesign: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return ExitCode.failed;
}

// A reader that stops early (`intune-codesign upload --help | head`) closes the pipe: what it did not read is not
// wanted, and the run's exit code still stands.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE" && error.code !== "ERR_STREAM_DESTROYED") throw error;
});

await main(process.argv);
