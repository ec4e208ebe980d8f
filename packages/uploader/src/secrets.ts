import { readFileSync } from "node:fs";
import { ConfigError } from "./config-error.js";

/** Reads a secret as `openssl -passin file:` does: the first line, without its LF or CRLF. */
export function readSecretFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    throw new ConfigError(`Cannot read secret file ${path} (${code}).`);
  }
  const newline = text.indexOf("\n");
  const line = newline === -1 ? text : text.slice(0, newline);
  const secret = line.endsWith("\r") ? line.slice(0, -1) : line;
  if (secret === "") throw new ConfigError(`Secret file ${path} is empty (its first line is blank).`);
  return secret;
}
