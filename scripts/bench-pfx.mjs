#!/usr/bin/env node
// `pnpm bench:pfx`: `intune-codesign inspect --json` over PKCS#12 folders against a loop of
// `openssl pkcs12 -nokeys -passin file:… -in F` over the same files, in the same session (the machine is shared,
// so only the ratios mean anything): 200 files at OpenSSL 3's defaults (AES-256-CBC, PBKDF2-SHA256 and a SHA-256
// MAC at 2,048 iterations) and 20 at 600,000 iterations. Goals (issue 13): ratio ≤ 0.25 for the 200, ≤ 1.0 per file
// for the 20. A third folder, 1,000 files at the defaults, shows how the ratio falls as the folder grows: inspect's
// fixed start-up (Node.js, the CLI, the parser threads) counts once, openssl's once a file. Exit 1 on wrong output.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
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
  { name: "defaults-1000", count: 1000, args: [] },
];

/** One EC key and self-signed code-signing certificate per file, exported by openssl with the set's options. */
function generate(set) {
  mkdirSync(join(dir, "scratch"), { recursive: true });
  writeFileSync(password, "bench-pfx-password\n");
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
  writeFileSync(join(dir, `${set.name}.complete`), "");
}

/** GNU time reports the CPU seconds of a command and its children: the figure a busy machine does not inflate. */
const TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : null;
/** One per run: another session's bench over the same folders must not overwrite this one's figures. */
const cpuFile = join(dir, `cpu-${process.pid}`);

/** Runs a command; wall seconds, CPU seconds (user + system, NaN without GNU time) and its stdout. */
function measure(command, args) {
  const started = performance.now();
  const run = TIME
    ? spawnSync(TIME, ["-f", "%U %S", "-o", cpuFile, command, ...args], {
        encoding: "utf8",
        maxBuffer: 1 << 28,
      })
    : spawnSync(command, args, { encoding: "utf8", maxBuffer: 1 << 28 });
  const wall = (performance.now() - started) / 1000;
  if (run.status !== 0) {
    console.error(`${command} failed (exit ${run.status}): ${run.stderr.slice(0, 2000)}`);
    process.exit(1);
  }
  const cpu = TIME
    ? readFileSync(cpuFile, "utf8")
        .trim()
        .split(/\s+/)
        .map(Number)
        .reduce((a, b) => a + b, 0)
    : Number.NaN;
  return { wall, cpu, stdout: run.stdout };
}

function inspect(folder, count) {
  const result = measure(process.execPath, [
    cli,
    "inspect",
    "--json",
    "--pfx-password-file",
    password,
    folder,
  ]);
  const opened = JSON.parse(result.stdout).files.filter(
    (f) => f.error === null && f.certificates.length === 1,
  );
  if (opened.length !== count) {
    console.error(`inspect opened ${opened.length} of ${count} files`);
    process.exit(1);
  }
  return result;
}

/** One openssl process per file, in a shell loop that stops at the first failure. */
function opensslLoop(folder) {
  const loop = `for f in "$1"/*.pfx; do openssl pkcs12 -nokeys -passin "file:$2" -in "$f" -out /dev/null || exit 1; done`;
  return measure("sh", ["-c", loop, "sh", folder, password]);
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

for (const set of SETS) {
  if (existsSync(join(dir, `${set.name}.complete`))) continue;
  const started = performance.now();
  generate(set);
  console.log(
    `generated ${set.count} PFX files in ${((performance.now() - started) / 1000).toFixed(1)} s into ${join(dir, set.name)}`,
  );
}
console.log(
  `node ${process.version}, ${rounds} rounds (median), inspect and openssl alternating; load average ${loadavg()[0].toFixed(1)}`,
);
for (const set of SETS) {
  const folder = join(dir, set.name);
  const ours = [];
  const theirs = [];
  for (let round = 0; round < rounds; round++) {
    ours.push(inspect(folder, set.count));
    theirs.push(opensslLoop(folder));
  }
  const [a, b] = [median(ours.map((r) => r.wall)), median(theirs.map((r) => r.wall))];
  const [ca, cb] = [median(ours.map((r) => r.cpu)), median(theirs.map((r) => r.cpu))];
  const perFile = (seconds) => `${((seconds / set.count) * 1000).toFixed(0)} ms/file`;
  console.log(
    `${set.name}: ${set.count} files; wall: inspect ${a.toFixed(2)} s (${perFile(a)}), openssl loop ${b.toFixed(2)} s ` +
      `(${perFile(b)}), ratio ${(a / b).toFixed(2)}; CPU: inspect ${ca.toFixed(2)} s, openssl loop ${cb.toFixed(2)} s, ` +
      `ratio ${(ca / cb).toFixed(2)}; load average now ${loadavg()[0].toFixed(1)}`,
  );
}
rmSync(cpuFile, { force: true });
