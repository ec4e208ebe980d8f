export { ExitCode, ExitError, UsageError } from "./exit-codes.js";
export { createProgram } from "./program.js";
