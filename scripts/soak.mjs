// The long versions of the resilience tests (`pnpm soak`, which builds first): a 2,000-certificate run under 30 %
// faults and throttling, a crash loop of 6 SIGKILLs over 400 certificates, 5,000 hostile files; plus the time one
// PKCS#12 at the parser's iteration cap costs. The tests in test/ run at these sizes with INTUNE_CODESIGN_SOAK=1;
// their figures are collected and printed as Markdown for BENCHMARKS.md. Exits non-zero if a promise is broken.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateFixtures } from "./generate-fixtures.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const TESTS = ["test/faults.test.ts", "test/crashes.test.ts", "test/hostile-input.test.ts"];
const work = mkdtempSync(join(tmpdir(), "soak-"));
const figuresFile = join(work, "figures.jsonl");
writeFileSync(figuresFile, "");

const started = performance.now();
const vitest = spawnSync(join(root, "node_modules/.bin/vitest"), ["run", ...TESTS], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, INTUNE_CODESIGN_SOAK: "1", SOAK_FIGURES: figuresFile },
});
const soakMinutes = (performance.now() - started) / 60_000;
const figures = readFileSync(figuresFile, "utf8")
  .split("\n")
  .filter(Boolean)
  .map((line) => JSON.parse(line));

/** Seconds `inspect` takes for one PKCS#12 whose MAC claims exactly the parser's cap of 10,000,000 iterations. */
function atCapSeconds() {
  const dir = join(work, "fixtures");
  generateFixtures(dir);
  const asn1js = createRequire(join(root, "packages/parser/package.json"))("asn1js");
  const { result } = asn1js.fromBER(new Uint8Array(readFileSync(join(dir, "aes.p12"))));
  const [version, authSafe, macData] = result.valueBlock.value;
  const [digest, salt] = macData.valueBlock.value;
  const mac = new asn1js.Sequence({ value: [digest, salt, new asn1js.Integer({ value: 10_000_000 })] });
  const file = join(work, "at-cap.p12");
  writeFileSync(file, Buffer.from(new asn1js.Sequence({ value: [version, authSafe, mac] }).toBER(false)));
  writeFileSync(join(work, "password"), "fixture-pass\n");
  const cli = join(root, "packages/cli/bin/intune-codesign.js");
  const t0 = performance.now();
  try {
    execFileSync(
      process.execPath,
      [cli, "inspect", "--json", "--pfx-password-file", join(work, "password"), file],
      {
        stdio: "ignore",
      },
    );
  } catch {
    // exit 1 (bad_password after the MAC is computed) is expected
  }
  return (performance.now() - t0) / 1000;
}
const atCap = atCapSeconds();
rmSync(work, { recursive: true, force: true });

console.log(
  `\n## Soak (\`pnpm soak\`, ${new Date().toISOString().slice(0, 10)}, ${soakMinutes.toFixed(1)} min)\n`,
);
for (const { name, ...values } of figures) {
  console.log(`### ${name}\n`);
  console.log("| figure | value |\n| --- | --- |");
  for (const [key, value] of Object.entries(values)) console.log(`| ${key} | ${value} |`);
  console.log("");
}
console.log(`### pkcs12-at-iteration-cap\n\n| figure | value |\n| --- | --- |`);
console.log(`| inspect of one PKCS#12 with 10,000,000 MAC iterations (s) | ${atCap.toFixed(1)} |\n`);

const broken = [];
if (vitest.status !== 0) broken.push(`vitest exited ${vitest.status ?? vitest.signal}`);
for (const f of figures) {
  if ((f.violations ?? 0) > 0) broken.push(`${f.name}: ${f.violations} requests inside a Retry-After`);
  if ((f.duplicates ?? 0) > 0) broken.push(`${f.name}: ${f.duplicates} duplicate objects`);
}
for (const name of ["faults", "crashes", "hostile-inspect", "hostile-dry-run"]) {
  if (!figures.some((f) => f.name === name))
    broken.push(`${name}: no figures (the test failed before its end)`);
}
if (broken.length > 0) {
  console.error(`Broken promises:\n${broken.map((line) => `  - ${line}`).join("\n")}`);
  process.exit(1);
}
