import { type Command, InvalidArgumentError, type Option } from "commander";
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
    command.setOptionValueWithSource(
      key,
      parseValue(option, scalar, `--config ${path} (key "${key}")`),
      "config",
    );
  }
}

/** A value through its flag's parser; a refusal names the file and the key, as the admin must fix it there. */
function parseValue(option: Option, value: unknown, source: string): unknown {
  if (!option.parseArg || typeof value !== "string") return value;
  try {
    return option.parseArg(value, undefined);
  } catch (error) {
    if (error instanceof InvalidArgumentError) throw new UsageError(`${source}: ${error.message}`);
    throw error;
  }
}
