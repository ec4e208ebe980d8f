import { readFileSync } from "node:fs";

/**
 * The CLI package's version, read from its package.json: one level above this module both in the workspace
 * (packages/cli/dist/) and in the installed package, whose bundle's chunks all sit in dist/ (scripts/package.mjs).
 */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
).version;
