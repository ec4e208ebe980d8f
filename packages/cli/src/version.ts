import { readFileSync } from "node:fs";
import * as v from "valibot";

/**
 * The CLI package's version, read from its package.json: one level above this module both in the workspace
 * (packages/cli/dist/) and in the installed package, whose bundle's chunks all sit in dist/ (scripts/package.mjs).
 */
export const VERSION: string = v.parse(
  v.object({ version: v.string() }),
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")),
).version;
