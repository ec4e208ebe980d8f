export { ExitCode, ExitError, UsageError } from "@intune-codesign/sync";
export { createProgram } from "./program.js";
