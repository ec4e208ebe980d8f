import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The PKCS#12 password scripts/generate-fixtures.mjs uses. */
export const FIXTURE_PASSWORD = "fixture-pass";

const generator = fileURLToPath(new URL("../../../scripts/generate-fixtures.mjs", import.meta.url));

/** Generates the fixtures into a fresh temporary directory; returns it and a cleanup function. */
export function generateFixtures(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), "parser-fixtures-"));
  execFileSync(process.execPath, [generator, dir], { stdio: "pipe" });
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
