import type { Command } from "commander";
import { UsageError } from "./exit-codes.js";

/** Names where a setting's value came from, so that an error about it points at the place to fix it. */
export type SettingSource = (key: string) => string;

/** A setting named by its flag: for values no environment or config file can set (the demo's). */
export const flagSource: SettingSource = (key) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** The flag, the environment variable, or the config file and key that set each of `command`'s options. */
export function settingSources(command: Command, configPath: string | undefined): SettingSource {
  return (key) => {
    const option = command.options.find((candidate) => candidate.attributeName() === key);
    const source = command.getOptionValueSource(key);
    if (source === "env" && option?.envVar) return `environment variable ${option.envVar}`;
    if (source === "config" && configPath) return `--config ${configPath} (key "${key}")`;
    return option?.long ?? flagSource(key);
  };
}

/** Runs `read`; a ConfigError or UsageError it throws is given again with the setting's source in front. */
export function fromSetting<T>(source: SettingSource, key: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw withSource(source, key, error);
  }
}

/** The same as fromSetting, for a setting read asynchronously (a secret file). */
export async function fromSettingAsync<T>(
  source: SettingSource,
  key: string,
  read: () => Promise<T>,
): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw withSource(source, key, error);
  }
}

/** A bad value (the uploader's ConfigError, or our own UsageError) as a usage error that names its source. */
function withSource(source: SettingSource, key: string, error: unknown): unknown {
  const badValue = error instanceof UsageError || (error instanceof Error && error.name === "ConfigError");
  return badValue ? new UsageError(`${source(key)}: ${error.message}`) : error;
}
