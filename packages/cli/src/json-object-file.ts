import { readFileSync } from "node:fs";
import { osErrorWords } from "@intune-codesign/sync";
import { UsageError } from "./exit-codes.js";

/**
 * Reads the JSON object a flag names (`--config`, `--map`); an unreadable file, bad JSON or anything but an object
 * is a usage error (exit 2) that names the flag and the file. `expected` says what the object should be.
 */
export function readJsonObjectFile(flag: string, path: string, expected: string): Record<string, unknown> {
  let data: unknown;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new UsageError(`${flag} ${path}: cannot read it: ${osErrorWords(error)}`);
  }
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${flag} ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new UsageError(`${flag} ${path}: expected ${expected}`);
  }
  return data as Record<string, unknown>;
}
