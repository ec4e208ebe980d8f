import { readFileSync } from "node:fs";
import { osErrorWords } from "@intune-codesign/sync";
import * as v from "valibot";
import { UsageError } from "./exit-codes.js";

/** A JSON object (an array is refused before: valibot's record takes one). */
const JsonObjectSchema = v.record(v.string(), v.unknown());

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
  const checked = Array.isArray(data) ? null : v.safeParse(JsonObjectSchema, data);
  if (!checked?.success) throw new UsageError(`${flag} ${path}: expected ${expected}`);
  return checked.output;
}
