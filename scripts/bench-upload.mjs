// Uploads 1,000 certificates through GraphClient + RateLimiter (50 writes/1 s, concurrency 4) to an in-process
// emulator allowing 50 writes per 1 s, and prints sustained accepted writes/s as % of the allowance and the % of
// writes answered 429. Goal: >= 90% and <= 2%. Run with `pnpm bench:upload` (builds first).
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator } from "../packages/graph-emulator/dist/index.js";
import { parseFile } from "../packages/parser/dist/index.js";
import { buildBody, GraphClient, parseRateLimit, RateLimiter } from "../packages/uploader/dist/index.js";
import { generateBenchCertificates } from "./fixtures-bench.mjs";

const COUNT = Number(process.env.BENCH_COUNT ?? 1000);
const CONCURRENCY = 4;
const ALLOWANCE = parseRateLimit("50/1s");

// Real certificate files, read by the real parser: the bodies are what `upload` would send.
const work = mkdtempSync(join(tmpdir(), "bench-upload-"));
const bodies = [];
try {
  await generateBenchCertificates(work, COUNT);
  for (const name of readdirSync(join(work, "certs")).sort()) {
    const [certificate] = (await parseFile(join(work, "certs", name))).certificates;
    bodies.push(buildBody(certificate));
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const emulator = await startEmulator({ writeLimit: ALLOWANCE, requestLimit: null });
const token = emulator.issueToken();
const client = new GraphClient({
  baseUrl: emulator.url,
  tokenProvider: { getToken: async () => token },
  writeLimiter: new RateLimiter(ALLOWANCE),
});

let next = 0;
let failed = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (next < bodies.length) {
      const body = bodies[next++];
      await client.create(body).catch((error) => {
        failed++;
        console.error(`create failed: ${error.name} ${error.status ?? error.code}`);
      });
    }
  }),
);
const wallSeconds = (performance.now() - started) / 1000;

const writes = emulator.requests().filter((r) => r.method === "POST");
const accepted = writes.filter((r) => r.status === 201);
const throttled = writes.filter((r) => r.status === 429).length;
const objects = emulator.objects().length;
await emulator.close();

// After the first window's burst, each accepted write needs a slot to free up: the steady-state rate is the
// writes beyond the first window over the time between the first and the last accepted arrival.
const first = accepted[0]?.startedAt ?? 0;
const last = accepted.at(-1)?.startedAt ?? 0;
const allowancePerSecond = (ALLOWANCE.limit * 1000) / ALLOWANCE.windowMs;
const sustained = ((accepted.length - ALLOWANCE.limit) * 1000) / Math.max(1, last - first);
const durations = writes.map((r) => r.durationMs).sort((a, b) => a - b);
const percentile = (p) => durations[Math.min(durations.length - 1, Math.floor(p * durations.length))] ?? 0;

const pct = (x) => `${(100 * x).toFixed(1)}%`;
console.log(`certificates:        ${COUNT} (${objects} objects stored, ${failed} failed)`);
console.log(
  `allowance:           ${ALLOWANCE.limit} writes / ${ALLOWANCE.windowMs} ms, concurrency ${CONCURRENCY}`,
);
console.log(
  `wall time:           ${wallSeconds.toFixed(2)} s (${(accepted.length / wallSeconds).toFixed(1)} writes/s overall)`,
);
console.log(
  `sustained accepted:  ${sustained.toFixed(1)} writes/s = ${pct(sustained / allowancePerSecond)} of the allowance (goal >= 90%)`,
);
console.log(
  `answered 429:        ${throttled} of ${writes.length} writes = ${pct(throttled / Math.max(1, writes.length))} (goal <= 2%)`,
);
console.log(`server time p50/p99: ${percentile(0.5).toFixed(1)} / ${percentile(0.99).toFixed(1)} ms`);
if (failed > 0 || objects !== COUNT) process.exitCode = 1;
