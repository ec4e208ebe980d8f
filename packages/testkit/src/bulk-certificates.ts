import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** One generated certificate file and what the tenant should end up holding for it. */
export interface BulkCertificate {
  path: string;
  der: Buffer;
  sha256: string;
  /** The CN, which is the object's subjectName: `Bench Signer 000042`. */
  subjectName: string;
}

interface BenchFixtures {
  generateBenchCertificates(dir: string, count: number): Promise<void>;
}

const GENERATOR = new URL("../../../scripts/fixtures-bench.mjs", import.meta.url).href;

/**
 * Writes `count` distinct code-signing certificates as `<dir>/certs/NNNNNN.cer` (one CA and one leaf key, each
 * copy re-signed with its own serial and CN: thousands a second) and returns them in file order.
 */
export async function writeBulkCertificates(dir: string, count: number): Promise<BulkCertificate[]> {
  const { generateBenchCertificates } = (await import(GENERATOR)) as BenchFixtures;
  await generateBenchCertificates(dir, count);
  const folder = join(dir, "certs");
  return readdirSync(folder)
    .sort()
    .map((name) => {
      const path = join(folder, name);
      const der = readFileSync(path);
      return {
        path,
        der,
        sha256: createHash("sha256").update(der).digest("hex"),
        subjectName: `Bench Signer ${name.replace(/\.cer$/, "")}`,
      };
    });
}
