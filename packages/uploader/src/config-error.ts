/** A bad option value (URL, rate limit, secret file, credential choice); the CLI maps it to exit code 2. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}
