import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

// The fixture scripts make their files with openssl and osslsigncode, independently of the parser's code.

/** The PKCS#12 password scripts/generate-fixtures.mjs uses. */
export const FIXTURE_PASSWORD = "fixture-pass";

/** A signer as scripts/fixtures-signed.mjs planned it (never as the parser read it). */
export interface ExpectedSigner {
  id: string;
  subject: string;
  issuer: string;
  notAfter: string;
}

const script = (name: string) => fileURLToPath(new URL(`../../../scripts/${name}`, import.meta.url));

/** Runs a fixture script into a fresh temporary directory. */
function runScript(name: string, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  execFileSync(process.execPath, [script(name), dir], { stdio: "pipe" });
  return dir;
}

/**
 * Exports the fixtures' leaf certificate and key (from generateFixtures' `dir`) as a PKCS#12 protected with
 * `iterations` rounds of key derivation (openssl's defaults otherwise), under FIXTURE_PASSWORD; returns its path.
 */
export function exportLeafPkcs12(dir: string, out: string, iterations: number): string {
  execFileSync("openssl", [
    "pkcs12",
    "-export",
    "-in",
    join(dir, "leaf.pem"),
    "-inkey",
    join(dir, "leaf.key"),
    "-iter",
    String(iterations),
    "-passout",
    `pass:${FIXTURE_PASSWORD}`,
    "-out",
    out,
  ]);
  return out;
}

/** Generates the fixtures into a fresh temporary directory; returns it and a cleanup function. */
export function generateFixtures(): { dir: string; cleanup(): void } {
  const dir = runScript("generate-fixtures.mjs", "parser-fixtures-");
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Generates the signed artefacts into a fresh temporary directory; returns it, the expected signers and cleanup. */
export function generateSignedFixtures(): {
  dir: string;
  expected: Record<string, ExpectedSigner[]>;
  cleanup(): void;
} {
  const dir = runScript("fixtures-signed.mjs", "signed-fixtures-");
  const expected = JSON.parse(readFileSync(join(dir, "expected.json"), "utf8"));
  return { dir, expected, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
