import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** A signer as scripts/fixtures-signed.mjs planned it (never as the parser read it). */
export interface ExpectedSigner {
  id: string;
  subject: string;
  issuer: string;
  notAfter: string;
}

const generator = fileURLToPath(new URL("../../../../scripts/fixtures-signed.mjs", import.meta.url));

/** Generates the signed artefacts into a fresh temporary directory; returns it, the expected signers and cleanup. */
export function generateSignedFixtures(): {
  dir: string;
  expected: Record<string, ExpectedSigner[]>;
  cleanup(): void;
} {
  const dir = mkdtempSync(join(tmpdir(), "signed-fixtures-"));
  execFileSync(process.execPath, [generator, dir], { stdio: "pipe" });
  const expected = JSON.parse(readFileSync(join(dir, "expected.json"), "utf8"));
  return { dir, expected, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
