#!/usr/bin/env node
// `pnpm bench:parse`: `intune-codesign inspect --json` over 10,000 generated DER certificates against a
// baseline that only constructs node:crypto X509Certificate for each file. Both run as child processes
// in the same session (the machine is shared, so only their ratio means anything). Exit 1 on wrong output.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateBenchCertificates } from "./fixtures-bench.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const count = Number(process.env.BENCH_COUNT ?? 10_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const dir = join(tmpdir(), `intune-codesign-bench-${count}`);
const cli = join(root, "packages/cli/bin/intune-codesign.js");

const BASELINE = `
import { readdirSync, readFileSync } from "node:fs";
import { X509Certificate } from "node:crypto";
import { join } from "node:path";
const dir = process.argv[1];
let n = 0;
for (const name of readdirSync(dir).sort()) { new X509Certificate(readFileSync(join(dir, name))); n++; }
console.log(n);
`;

if (!existsSync(join(dir, ".complete"))) {
  mkdirSync(dir, { recursive: true });
  const started = performance.now();
  await generateBenchCertificates(dir, count);
  writeFileSync(join(dir, ".complete"), "");
  console.log(
    `generated ${count} certificates in ${((performance.now() - started) / 1000).toFixed(1)} s into ${dir}`,
  );
}
const certDir = join(dir, "certs");

function timed(label, args) {
  const started = performance.now();
  const run = spawnSync(process.execPath, args, { maxBuffer: 1 << 30, encoding: "utf8" });
  const seconds = (performance.now() - started) / 1000;
  if (run.status !== 0) {
    console.error(`${label} failed (exit ${run.status}): ${run.stderr.slice(0, 2000)}`);
    process.exit(1);
  }
  return { seconds, stdout: run.stdout };
}

/** Exact output for the generated set: one uploadable certificate per file, its SHA-256 and CN as generated. */
function checkInspect(stdout) {
  const { files } = JSON.parse(stdout);
  const wrong = files.filter((f) => {
    const [certificate, extra] = f.certificates;
    const der = readFileSync(f.path);
    return (
      f.error !== null ||
      f.format !== "der" ||
      extra !== undefined ||
      !certificate?.upload ||
      certificate.sha256 !== createHash("sha256").update(der).digest("hex") ||
      certificate.subjectName !== `Bench Signer ${basename(f.path, ".cer")}` ||
      certificate.issuer !== "CN=Bench CA, O=Bench"
    );
  });
  if (files.length !== count || wrong.length > 0) {
    console.error(`inspect produced ${files.length} files (expected ${count}), ${wrong.length} wrong`);
    if (wrong[0]) console.error(JSON.stringify(wrong[0]).slice(0, 2000));
    process.exit(1);
  }
}

if (!existsSync(cli)) {
  console.error(`${cli} is missing: build first (pnpm run build)`);
  process.exit(1);
}
// Rounds alternate baseline and inspect so that load from other users of the machine hits both alike.
const best = { baseline: Number.POSITIVE_INFINITY, inspect: Number.POSITIVE_INFINITY };
for (let round = 1; round <= rounds; round++) {
  const baseline = timed("baseline", ["--input-type=module", "-e", BASELINE, certDir]);
  if (Number(baseline.stdout.trim()) !== count) {
    console.error(`baseline read ${baseline.stdout.trim()} files; expected ${count}`);
    process.exit(1);
  }
  const inspect = timed("inspect", [cli, "inspect", "--json", certDir]);
  checkInspect(inspect.stdout);
  best.baseline = Math.min(best.baseline, baseline.seconds);
  best.inspect = Math.min(best.inspect, inspect.seconds);
  console.log(
    `round ${round}: baseline ${baseline.seconds.toFixed(2)} s, inspect ${inspect.seconds.toFixed(2)} s`,
  );
}
const rate = (seconds) => Math.round(count / seconds).toLocaleString("en-US");
console.log(
  `output: ${count} files, each one uploadable certificate with the expected SHA-256, subject and issuer`,
);
console.log(
  `baseline (node:crypto X509Certificate): best ${best.baseline.toFixed(2)} s, ${rate(best.baseline)} certificates/s`,
);
console.log(
  `inspect --json:                         best ${best.inspect.toFixed(2)} s, ${rate(best.inspect)} certificates/s`,
);
console.log(
  `ratio inspect/baseline ${(best.inspect / best.baseline).toFixed(2)} (goal <= 1.00; best of ${rounds}, ` +
    `${count} files, node ${process.version})`,
);
