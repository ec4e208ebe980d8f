#!/usr/bin/env node
// `pnpm bench:pfx`: `intune-codesign inspect --json` over PKCS#12 folders against a loop of
// `openssl pkcs12 -nokeys -passin file:… -in F` over the same files, in the same session (the machine is shared,
// so only the ratios mean anything): 200 files at OpenSSL 3's defaults (AES-256-CBC, PBKDF2-SHA256 and a SHA-256
// MAC at 2,048 iterations) and 20 at 600,000 iterations. Goals (issue 13): ratio ≤ 0.25 for the 200, ≤ 1.0 per file
// for the 20. Exit 1 on wrong output.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const cli = join(root, "packages/cli/bin/intune-codesign.js");
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const dir = join(tmpdir(), "intune-codesign-bench-pfx");
const password = join(dir, "password");
const SETS = [
  { name: "defaults", count: 200, args: [] },
  { name: "600k", count: 20, args: ["-iter", "600000"] },
];

/** One EC key and self-signed code-signing certificate per file, exported by openssl with the set's options. */
function generate() {
  mkdirSync(join(dir, "scratch"), { recursive: true });
  writeFileSync(password, "bench-pfx-password\n");
  for (const set of SETS) {
    const out = join(dir, set.name);
    mkdirSync(out, { recursive: true });
    for (let i = 0; i < set.count; i++) {
      const key = join(dir, "scratch", "key.pem");
      const cert = join(dir, "scratch", "cert.pem");
      execFileSync("openssl", [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        key,
        "-out",
        cert,
        "-days",
        "365",
        "-subj",
        `/O=Bench/CN=PFX ${set.name} ${i}`,
        "-addext",
        "extendedKeyUsage=codeSigning",
      ]);
      const file = join(out, `${String(i).padStart(3, "0")}.pfx`);
      execFileSync("openssl", [
        "pkcs12",
        "-export",
        "-inkey",
        key,
        "-in",
        cert,
        "-passout",
        `file:${password}`,
        ...set.args,
        "-out",
        file,
      ]);
    }
  }
  writeFileSync(join(dir, ".complete"), "");
}

function inspect(folder, count) {
  const started = performance.now();
  const run = spawnSync(
    process.execPath,
    [cli, "inspect", "--json", "--pfx-password-file", password, folder],
    {
      encoding: "utf8",
      maxBuffer: 1 << 28,
    },
  );
  const seconds = (performance.now() - started) / 1000;
  const files = run.status === 0 ? JSON.parse(run.stdout).files : [];
  const opened = files.filter((f) => f.error === null && f.certificates.length === 1).length;
  if (opened !== count) {
    console.error(
      `inspect opened ${opened} of ${count} files (exit ${run.status}): ${run.stderr.slice(0, 2000)}`,
    );
    process.exit(1);
  }
  return seconds;
}

function opensslLoop(folder) {
  const started = performance.now();
  for (const name of readdirSync(folder).sort()) {
    const run = spawnSync("openssl", [
      "pkcs12",
      "-nokeys",
      "-passin",
      `file:${password}`,
      "-in",
      join(folder, name),
      "-out",
      "/dev/null",
    ]);
    if (run.status !== 0) {
      console.error(`openssl failed on ${name}: ${run.stderr}`);
      process.exit(1);
    }
  }
  return (performance.now() - started) / 1000;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

if (!existsSync(join(dir, ".complete"))) {
  const started = performance.now();
  generate();
  console.log(
    `generated the PFX folders in ${((performance.now() - started) / 1000).toFixed(1)} s into ${dir}`,
  );
}
console.log(`node ${process.version}, ${rounds} rounds (median), inspect and openssl alternating`);
for (const set of SETS) {
  const folder = join(dir, set.name);
  const ours = [];
  const theirs = [];
  for (let round = 0; round < rounds; round++) {
    ours.push(inspect(folder, set.count));
    theirs.push(opensslLoop(folder));
  }
  const [a, b] = [median(ours), median(theirs)];
  console.log(
    `${set.name}: ${set.count} files; inspect ${a.toFixed(2)} s (${((a / set.count) * 1000).toFixed(0)} ms/file), ` +
      `openssl loop ${b.toFixed(2)} s (${((b / set.count) * 1000).toFixed(0)} ms/file); ratio ${(a / b).toFixed(2)}`,
  );
}
