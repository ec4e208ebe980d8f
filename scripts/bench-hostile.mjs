// pnpm bench:hostile — issue 17 row 5: a dry run over a folder of hostile files, run twice. The first run parses
// every file; the second finds them all unchanged in the state store's file cache (failures included) and parses
// none, so it costs a walk, a cache scan and a tenant listing. Prints both times and their ratio.
import { execFileSync, spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startEmulator } from "@intune-codesign/graph-emulator";
import { writeCostlyFiles } from "../test/helpers/costly-files.mjs";
import { generateFixtures } from "./generate-fixtures.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const cli = join(root, "packages/cli/bin/intune-codesign.js");

/**
 * The hostile folder of issue 17's repro, ten entries: the costly files (a 10 MB PEM of BEGIN lines, two PKCS#12
 * files at the iteration cap), DER nested 100,000 deep, a DER length claiming 2^62 bytes, armoured noise, a FIFO, a
 * symlink loop, and one good certificate (so the run lists the tenant and plans).
 */
function writeHostileFolder(dir) {
  writeCostlyFiles(dir, 2);
  writeFileSync(
    join(dir, "deep.der"),
    Buffer.concat(Array.from({ length: 100_000 }, () => Buffer.from([0x30, 0x80]))),
  );
  writeFileSync(
    join(dir, "overlong.der"),
    Buffer.from([0x30, 0x88, 0x40, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x01, 0x01]),
  );
  const noise = Buffer.alloc(4096, 0xa5)
    .toString("base64")
    .replace(/.{1,64}/g, "$&\n");
  writeFileSync(join(dir, "noise.pem"), `-----BEGIN CERTIFICATE-----\n${noise}-----END CERTIFICATE-----\n`);
  const fixtures = mkdtempSync(join(tmpdir(), "bench-hostile-fixtures-"));
  generateFixtures(fixtures);
  copyFileSync(join(fixtures, "leaf.der"), join(dir, "good.der"));
  rmSync(fixtures, { recursive: true, force: true });
  execFileSync("mkfifo", [join(dir, "pipe.cer")]);
  symlinkSync(join(dir, "loop-b.cer"), join(dir, "loop-a.cer"));
  symlinkSync(join(dir, "loop-a.cer"), join(dir, "loop-b.cer"));
}

function runTimed(args) {
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
    child.on("close", (code) =>
      resolve({ code, seconds: Number(process.hrtime.bigint() - started) / 1e9, stdout, stderr }),
    );
  });
}

const work = mkdtempSync(join(tmpdir(), "bench-hostile-"));
const folder = join(work, "certs");
mkdirSync(folder);
writeHostileFolder(folder);
const emulator = await startEmulator({ staticTokens: ["bench-hostile-token"] });
writeFileSync(join(work, "token"), "bench-hostile-token\n");
const args = [
  "upload",
  "--dry-run",
  "--json",
  "--graph-url",
  emulator.url,
  "--access-token-file",
  join(work, "token"),
  "--state",
  join(work, "state", "state.db"),
  folder,
];
try {
  const runs = [];
  for (const name of ["first", "second"]) {
    const run = await runTimed(args);
    const read = JSON.parse(run.stderr.split("\n").find((line) => line.includes('"msg":"files read"')));
    const summary = JSON.parse(run.stdout).summary;
    console.log(
      `${name} dry run: ${run.seconds.toFixed(2)} s, exit ${run.code}, ${read.parsed} parsed, ${read.cached} from the cache, ` +
        `${summary.files} files, ${summary.failed} failed`,
    );
    runs.push(run);
  }
  console.log(`second / first: ${(runs[1].seconds / runs[0].seconds).toFixed(4)}`);
} finally {
  await emulator.close();
  rmSync(work, { recursive: true, force: true });
}
