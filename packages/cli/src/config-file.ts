import type { Command } from "commander";
import { UsageError } from "./exit-codes.js";
import { readJsonObjectFile } from "./json-object-file.js";

/**
 * Applies `--config FILE` (JSON, keys named as the long flags in camelCase, e.g. `"rateLimit": "50/1s"`) to every
 * option that neither a flag nor an environment variable set: flags > environment > config file > defaults.
 */
export function applyConfigFile(command: Command, path: string): void {
  const data = readJsonObjectFile("--config", path, "a JSON object");
  const known = new Map(command.options.map((option) => [option.attributeName(), option]));
  for (const [key, value] of Object.entries(data)) {
    const option = known.get(key);
    if (!option || key === "config") throw new UsageError(`--config ${path}: unknown setting "${key}"`);
    const source = command.getOptionValueSource(key);
    if (source === "cli" || source === "env") continue;
    // Numbers go through the flag's own parser too, so `"concurrency": 0` is refused as `--concurrency 0` is.
    const scalar = typeof value === "number" ? String(value) : value;
    const parsed =
      option.parseArg && typeof scalar === "string" ? option.parseArg(scalar, undefined) : scalar;
    command.setOptionValueWithSource(key, parsed, "config");
  }
}
