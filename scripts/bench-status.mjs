// pnpm bench:status [count] [--late] — issue 11's closing figures: against a tenant of `count` objects (default
// 1,000) that renders names itself (the emulator's --render-names; --late: only after answering each write), a
// first upload creates every object, a rerun sends no write, and `status` (with the folders, then without) is timed
// against that rerun, the baseline measured in the same run: both walk, read the cache, list the tenant and plan.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startEmulator } from "@intune-codesign/graph-emulator";
import { generateBenchCertificates } from "./fixtures-bench.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const cli = join(root, "packages/cli/bin/intune-codesign.js");
const count = Number(process.argv.find((arg) => /^\d+$/.test(arg)) ?? 1000);
const renderNames = process.argv.includes("--late") ? "late" : true;

/** Runs the CLI to completion and times it. */
function run(args) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [cli, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      resolve({ code, seconds: Number(process.hrtime.bigint() - started) / 1e9, stdout, stderr });
    });
  });
}

const work = mkdtempSync(join(tmpdir(), "bench-status-"));
const token = "bench-status-token";
const emulator = await startEmulator({
  staticTokens: [token],
  requestLimit: null,
  writeLimit: null,
  tenantRequestLimit: null,
  tenantWriteLimit: null,
  renderNames,
});
/** Write requests that reached the emulator, whatever their answer. */
const writes = () => emulator.requests().filter((r) => r.method !== "GET").length;
try {
  await generateBenchCertificates(work, count);
  writeFileSync(join(work, "token"), `${token}\n`);
  const common = ["--graph-url", emulator.url, "--access-token-file", join(work, "token")];
  const state = ["--state", join(work, "state.db"), "--log-level", "warn"];
  const upload = ["upload", ...common, ...state, "--rate-limit", "100000/1s", "--concurrency", "8", "--json"];
  const certs = join(work, "certs");

  const first = await run([...upload, certs]);
  const writesAfterFirst = writes();
  const rerun = await run([...upload, certs]);
  const rerunWrites = writes() - writesAfterFirst;
  const status = await run(["status", ...common, ...state, "--json", certs]);
  const storeOnly = await run(["status", ...common, ...state, "--json"]);

  const summary = (result) =>
    result.code === 0 ? JSON.parse(result.stdout).summary : result.stderr.slice(-500);
  console.log(
    `tenant: ${emulator.objects().length} objects, render-names ${renderNames === true ? "at once" : "late"}`,
  );
  console.log(
    `first upload: ${first.seconds.toFixed(2)} s, ${writesAfterFirst} writes, ${JSON.stringify(summary(first))}`,
  );
  console.log(
    `rerun (baseline): ${rerun.seconds.toFixed(2)} s, writes: ${rerunWrites}, ${JSON.stringify(summary(rerun))}`,
  );
  for (const [name, result] of [
    ["status with the folders", status],
    ["status without folders", storeOnly],
  ]) {
    console.log(
      `${name}: ${result.seconds.toFixed(2)} s (${(result.seconds / rerun.seconds).toFixed(2)} × the rerun), ` +
        `exit ${result.code}, ${JSON.stringify(summary(result))}`,
    );
  }
  const inSync = JSON.parse(status.stdout).summary.in_sync;
  if (rerunWrites !== 0 || inSync !== count || status.code !== 0 || storeOnly.code !== 0)
    process.exitCode = 1;
} finally {
  await emulator.close();
  rmSync(work, { recursive: true, force: true });
}
