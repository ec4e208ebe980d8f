export {
  type DistinguishedName,
  type NameAttribute,
  renderWindowsDn,
  simpleName,
} from "./distinguished-name.js";
export { DuplicateTracker } from "./duplicate-tracker.js";
export { DEFAULT_MAX_FILE_SIZE, parseBytes } from "./parse-bytes.js";
export { ParseError } from "./parse-error.js";
export { parseFile } from "./parse-file.js";
export { createParserPool, type ParserPool } from "./parser-pool.js";
export { MAX_KDF_ITERATIONS } from "./pkcs12.js";
export * from "./types.js";
