export { DuplicateTracker } from "./duplicate-tracker.js";
export { parseFile } from "./parse-file.js";
export { createParserPool, type ParserPool } from "./parser-pool.js";
export * from "./types.js";
export { isExpired } from "./verdict.js";
