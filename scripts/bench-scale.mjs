// pnpm bench:scale [count] [--upload] — issue 6's scale promise: `upload` over many certificate files keeps its peak
// RSS below 300 MB, and a second run over the unchanged files (which are not read and parsed again) takes at most a
// tenth of the first run's time. By default both runs are --dry-run (the upload left out: they list the emulator's
// tenant and plan); with --upload the first run creates every object in the emulator and the second finds them all
// unchanged and sends nothing, as a cron job's runs do.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startEmulator } from "@intune-codesign/graph-emulator";
import { generateBenchCertificates } from "./fixtures-bench.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const cli = join(root, "packages/cli/bin/intune-codesign.js");
const count = Number(process.argv.find((arg) => /^\d+$/.test(arg)) ?? 100_000);
const uploading = process.argv.includes("--upload");
const RSS_LIMIT_MB = 300;
const RATIO_LIMIT = 0.1;

/** Runs the CLI, sampling its peak RSS (VmHWM) from /proc until it exits. */
function runTimed(args) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [cli, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let peakKb = 0;
    let stdout = "";
    let stderr = "";
    const sample = () => {
      try {
        const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
        if (match) peakKb = Math.max(peakKb, Number(match[1]));
      } catch {}
    };
    const timer = setInterval(sample, 20);
    child.stdout.on("data", (chunk) => {
      sample();
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("exit", () => sample());
    child.on("close", (code) => {
      clearInterval(timer);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      resolve({ code, seconds, peakMb: peakKb / 1024, stdout, stderr });
    });
  });
}

const work = mkdtempSync(join(tmpdir(), "bench-scale-"));
const token = "bench-scale-token";
const emulator = await startEmulator({
  staticTokens: [token],
  requestLimit: null,
  writeLimit: null,
  pageSize: 1000,
});
try {
  const generatedAt = Date.now();
  await generateBenchCertificates(work, count);
  console.log(`generated ${count} certificate files in ${((Date.now() - generatedAt) / 1000).toFixed(1)} s`);
  writeFileSync(join(work, "token"), `${token}\n`);
  const args = [
    "upload",
    ...(uploading ? ["--rate-limit", "100000/1s", "--concurrency", "8"] : ["--dry-run"]),
    "--json",
    "--graph-url",
    emulator.url,
    "--access-token-file",
    join(work, "token"),
    "--state",
    join(work, "state.db"),
    "--log-level",
    "warn",
    join(work, "certs"),
  ];
  const first = await runTimed(args);
  const second = await runTimed(args);
  const expected = {
    first: { created: count, unchanged: 0 },
    second: uploading ? { created: 0, unchanged: count } : { created: count, unchanged: 0 },
  };
  let broken = false;
  for (const [name, run] of [
    ["first", first],
    ["second", second],
  ]) {
    const summary = run.code === 0 ? JSON.parse(run.stdout).summary : null;
    console.log(
      `${name} run: ${run.seconds.toFixed(2)} s, peak RSS ${run.peakMb.toFixed(0)} MB, exit ${run.code}, ` +
        `summary ${JSON.stringify(summary)}`,
    );
    const want = expected[name];
    if (
      run.code !== 0 ||
      summary.files !== count ||
      summary.created !== want.created ||
      summary.unchanged !== want.unchanged
    ) {
      console.error(`${name} run: wrong outcome\n${run.stderr.slice(-2000)}`);
      broken = true;
    }
  }
  const ratio = second.seconds / first.seconds;
  const peak = Math.max(first.peakMb, second.peakMb);
  console.log(`mode: ${uploading ? "first run uploads, second finds all unchanged" : "both runs --dry-run"}`);
  console.log(`second/first time ratio: ${ratio.toFixed(3)} (goal ≤ ${RATIO_LIMIT})`);
  console.log(`peak RSS: ${peak.toFixed(0)} MB (goal < ${RSS_LIMIT_MB} MB)`);
  if (broken) process.exitCode = 1;
} finally {
  await emulator.close();
  if (existsSync(work)) rmSync(work, { recursive: true, force: true });
}
