#!/usr/bin/env node
// `pnpm bench:startup`: how long `intune-codesign --version` and `inspect` of one file take from the installed
// package (`npm install -g` of the tarball `pnpm package` writes) against `pnpm exec intune-codesign` in the clone,
// measured in the same run, alternating, each the median of RUNS after one warm-up.
// `--prefix DIR` reuses an install there instead of packing and installing into a temporary prefix.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const RUNS = 15;
const prefixFlag = process.argv.indexOf("--prefix");
const scratch = mkdtempSync(join(tmpdir(), "intune-codesign-bench-startup-"));

function install() {
  const tarball = execFileSync(process.execPath, [join(ROOT, "scripts/package.mjs")], {
    encoding: "utf8",
  }).trim();
  const prefix = join(scratch, "prefix");
  const env = { ...process.env, npm_config_audit: "false", npm_config_fund: "false" };
  if (existsSync("/usr/include/node/node.h")) env.npm_config_nodedir = "/usr";
  execFileSync("npm", ["install", "-g", "--silent", "--prefix", prefix, tarball], { env, stdio: "inherit" });
  return prefix;
}

/** Milliseconds of one run, which must succeed. */
function time(command, args) {
  const started = performance.now();
  const result = spawnSync(command, args, { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
  const elapsed = performance.now() - started;
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(" ")}: exit ${result.status}\n${result.stderr}`);
  return elapsed;
}

const median = (values) => values.toSorted((a, b) => a - b)[Math.floor(values.length / 2)];

try {
  const prefix = prefixFlag > 0 ? process.argv[prefixFlag + 1] : install();
  const installed = join(prefix, "bin", "intune-codesign");
  const certificate = join(scratch, "signing.pem");
  execFileSync(
    "openssl",
    [
      ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"],
      ...[
        "-keyout",
        join(scratch, "key.pem"),
        "-out",
        certificate,
        "-subj",
        "/CN=Bench Signing",
        "-days",
        "30",
      ],
      ...["-addext", "extendedKeyUsage=codeSigning"],
    ],
    { stdio: "ignore" },
  );

  const cases = [
    ["--version", ["--version"]],
    ["inspect one file", ["inspect", certificate]],
  ];
  const ways = [
    ["installed", installed, []],
    ["pnpm exec", "pnpm", ["exec", "intune-codesign"]],
  ];
  const rows = [];
  for (const [name, args] of cases) {
    const samples = new Map(ways.map(([way]) => [way, []]));
    for (const [, command, prefixArgs] of ways) time(command, [...prefixArgs, ...args]);
    for (let run = 0; run < RUNS; run++) {
      for (const [way, command, prefixArgs] of ways)
        samples.get(way).push(time(command, [...prefixArgs, ...args]));
    }
    const installedMs = median(samples.get("installed"));
    const pnpmMs = median(samples.get("pnpm exec"));
    rows.push({
      command: name,
      installedMs: Math.round(installedMs),
      pnpmExecMs: Math.round(pnpmMs),
      ratio: +(pnpmMs / installedMs).toFixed(2),
    });
  }
  console.table(rows);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
