export { DuplicateTracker } from "./duplicate-tracker.js";
export { isRunBudgetRefusal } from "./kdf-budget.js";
export { createParserPool, type ParserPool } from "./parser-pool.js";
export { parseFile } from "./shared-parser-pool.js";
export * from "./types.js";
export { isExpired } from "./verdict.js";
