import { existsSync } from "node:fs";
import { InvalidArgumentError, Option } from "commander";
import { UsageError } from "./exit-codes.js";

const SIZE_UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  k: 1024,
  kib: 1024,
  kb: 1000,
  m: 1024 ** 2,
  mib: 1024 ** 2,
  mb: 1000 ** 2,
  g: 1024 ** 3,
  gib: 1024 ** 3,
  gb: 1000 ** 3,
};

/** Parses `10MiB`, `512KiB`, `1048576`: a commander argument parser. */
export function parseSize(value: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value.trim());
  const unit = match ? SIZE_UNITS[match[2]!.toLowerCase()] : undefined;
  if (!match || unit === undefined)
    throw new InvalidArgumentError("expected a size such as 10MiB, 512KiB or 1048576");
  return Math.floor(Number(match[1]) * unit);
}

/** Parses a positive integer flag value. */
export function parsePositiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError("expected a positive integer");
  return number;
}

/** Parses a non-negative integer flag value. */
export function parseNonNegativeInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0)
    throw new InvalidArgumentError("expected a non-negative integer");
  return number;
}

/**
 * A missing input path is a usage error (exit 2), not a failed file: nothing was there to sync. A missing path that
 * looks like a pattern was meant for `--include`/`--exclude`, which take one pattern each.
 */
export function checkPathsExist(paths: string[]): void {
  const missing = paths.filter((path) => !existsSync(path));
  if (missing.length === 0) return;
  const pattern = missing.find((path) => /[*?[\]{]/.test(path));
  const hint = pattern
    ? `; "${pattern}" looks like a pattern: --include and --exclude take one pattern each, repeat the flag (--include '*.pem' --include '${pattern}')`
    : "";
  throw new UsageError(`no such file or folder: ${missing.join(", ")}${hint}`);
}

/** The log levels `--log-level` and LOG_LEVEL accept (pino's). */
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Collects a repeatable flag's values (`--include a --include b`), so no flag swallows the folders after it. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** `--pfx-password-file`, for the commands that read files: repeatable, each file one password, tried in order. */
export function pfxPasswordFileOption(): Option {
  return new Option(
    "--pfx-password-file <file>",
    "file whose first line is a PKCS#12 password (repeatable, tried in order; or INTUNE_CODESIGN_PFX_PASSWORD)",
  )
    .env("INTUNE_CODESIGN_PFX_PASSWORD_FILE")
    .argParser(collect);
}

/** Files larger than this are refused unread (`--max-file-size`'s default). */
export const DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024;

/** `--max-file-size`, for the commands that read files; `help` says it in the command's words. */
export function maxFileSizeOption(help: string): Option {
  return new Option("--max-file-size <size>", help)
    .default(DEFAULT_MAX_FILE_SIZE, "10MiB")
    .argParser(parseSize);
}

/** Signed artefacts are read only where their signature lies, so far larger files are fine. */
export const DEFAULT_MAX_SIGNED_FILE_SIZE = 8 * 1024 ** 3;

/** `--max-signed-file-size`: signed artefacts (PE, MSI, MSIX, CAB) are large by nature, and only their signature is read. */
export function maxSignedFileSizeOption(): Option {
  return new Option(
    "--max-signed-file-size <size>",
    "signed app artefacts (exe, msi, msix, cab) larger than this are too_large",
  )
    .default(DEFAULT_MAX_SIGNED_FILE_SIZE, "8GiB")
    .argParser(parseSize);
}

/** `--include` and `--exclude`, for the commands that walk folders. */
export function globOptions(): [Option, Option] {
  return [
    new Option(
      "--include <glob>",
      "only files that match; one pattern per flag, repeat it for more (see Patterns below)",
    ).argParser(collect),
    new Option(
      "--exclude <glob>",
      "skip files that match; one pattern per flag, repeat it for more (see Patterns below)",
    ).argParser(collect),
  ];
}

/** What `--help` says about `--include`/`--exclude` patterns, for every command that walks folders. */
export const PATTERNS_HELP = `

Patterns (--include, --exclude; one per flag, repeatable):
  A pattern without a slash matches a file name at any depth, as in .gitignore: '*.key' skips a.key and team1/a.key.
  A pattern with a slash matches the path relative to its folder: 'team1/*.pem' only in team1, '**/old/**' anywhere.
  e.g. --include '*.pem' --include '*.cer' --exclude 'archive/**'`;
