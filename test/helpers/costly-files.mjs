// Files that are costly rather than malformed, for tests and `pnpm bench:hostile` alike (plain JS, so that a bench
// script runs it without a build).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateFixtures } from "../../scripts/generate-fixtures.mjs";

const require = createRequire(new URL("../../packages/parser/package.json", import.meta.url));
const asn1js = require("asn1js");

/** A PKCS#12 whose MAC claims `iterations` (re-encoded, as the parser's huge-iterations fixture is made). */
export function withMacIterations(pfx, iterations) {
  const { result } = asn1js.fromBER(new Uint8Array(pfx));
  const [version, authSafe, macData] = result.valueBlock.value;
  const [digest, salt] = macData.valueBlock.value;
  const count =
    typeof iterations === "bigint"
      ? asn1js.Integer.fromBigInt(iterations)
      : new asn1js.Integer({ value: iterations });
  const mac = new asn1js.Sequence({ value: [digest, salt, count] });
  return Buffer.from(new asn1js.Sequence({ value: [version, authSafe, mac] }).toBER(false));
}

/**
 * Writes issue 17's costly files into `dir`: a 10 MB PEM of `BEGIN` lines, and `pfxCount` PKCS#12 files whose MAC
 * claims the parser's iteration cap (10,000,000), each taking seconds per password tried. Returns their paths.
 */
export function writeCostlyFiles(dir, pfxCount) {
  const seedDir = mkdtempSync(join(tmpdir(), "costly-seeds-"));
  try {
    generateFixtures(seedDir);
    const pfx = readFileSync(join(seedDir, "aes.p12"));
    const paths = [join(dir, "begin-lines.pem")];
    const line = "-----BEGIN CERTIFICATE-----\n";
    writeFileSync(paths[0], line.repeat(Math.ceil((10 * 1024 * 1024) / line.length)));
    for (let i = 0; i < pfxCount; i++) {
      const path = join(dir, `at-the-cap-${i}.pfx`);
      // Each its own bytes (a MAC byte differs), so that none is a duplicate of another.
      const bytes = withMacIterations(pfx, 10_000_000);
      bytes[bytes.length - 30] = (bytes[bytes.length - 30] + i) & 0xff;
      writeFileSync(path, bytes);
      paths.push(path);
    }
    return paths;
  } finally {
    rmSync(seedDir, { recursive: true, force: true });
  }
}
