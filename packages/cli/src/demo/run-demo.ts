import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator } from "@intune-codesign/graph-emulator";
import { ExitCode } from "../exit-codes.js";
import { UPLOAD_DEFAULTS } from "../upload/defaults.js";
import { sync } from "../upload/outcome.js";
import { printOutcome } from "../upload/output.js";
import { buildSettings, type UploadFlags } from "../upload/settings.js";
import { writeSamples } from "./samples.js";

/** Runs the demo; the exit code is 0 when every sample ended as expected. */
export async function runDemo(keep: boolean): Promise<number> {
  const workspace = mkdtempSync(join(tmpdir(), "intune-codesign-demo-"));
  const folder = join(workspace, "certificates");
  const out = (text = "") => process.stdout.write(`${text}\n`);
  const emulator = await startEmulator({
    faults: {
      rate: 0.3,
      seed: 7,
      kinds: ["429", "503-retry-after", "500", "reset-after-create"],
      retryAfterSeconds: 0.2,
    },
  });
  try {
    const samples = await writeSamples(folder);
    const tokenFile = join(workspace, "token");
    writeFileSync(tokenFile, `${emulator.issueToken()}\n`, { mode: 0o600 });
    out(`Sample certificates in ${folder}; Graph emulator at ${emulator.url} (30% injected faults).\n`);

    // `upload`'s own defaults, with the demo's folder, emulator and state.
    const flags: UploadFlags = {
      ...UPLOAD_DEFAULTS,
      graphUrl: emulator.url,
      accessTokenFile: tokenFile,
      pfxPasswordFile: join(folder, "pfx-password.txt"),
      exclude: ["pfx-password.txt"],
      state: join(workspace, "state.db"),
      logLevel: "warn",
    };

    out("== First run: intune-codesign upload (creates what the tenant lacks) ==");
    const first = await sync(await buildSettings([folder], flags));
    await printOutcome(first, { json: false, dryRun: false, warnDays: flags.warnDays });
    out();
    for (const item of first.report.items) {
      const detail = item.reason ?? item.error?.code ?? "";
      out(
        `  ${item.action.padEnd(9)} ${item.path.slice(folder.length + 1)}  attempts=${item.attempts}${detail ? `  ${detail}` : ""}`,
      );
    }
    const requests = emulator.requests();
    const faults = requests.filter((request) => request.fault !== null).length;
    out(
      `\nThe emulator answered ${requests.length} Graph requests, ${faults} of them with an injected fault; every one was retried.`,
    );

    out("\n== What reached the tenant ==");
    for (const object of emulator.objects()) {
      out(
        `  ${object.id}  ${object.status.padEnd(11)}  ${object.expirationDateTime.slice(0, 10)}  ${object.subject}`,
      );
    }

    out("\n== Second run: nothing changed, so nothing is sent ==");
    const before = emulator.requests().length;
    const second = await sync(await buildSettings([folder], flags));
    await printOutcome(second, { json: false, dryRun: false, warnDays: 0 });
    const writes = emulator
      .requests()
      .slice(before)
      .filter((request) => request.method !== "GET").length;
    out(`Writes sent by the second run: ${writes}`);

    const problems = checkOutcomes(samples, first.report.items, folder);
    if (second.report.summary.unchanged !== first.report.summary.created || writes !== 0) {
      problems.push(`second run: expected ${first.report.summary.created} unchanged and no writes`);
    }
    if (emulator.objects().length !== samples.filter((s) => s.expect === "created").length) {
      problems.push(`tenant holds ${emulator.objects().length} objects, expected one per good certificate`);
    }
    if (problems.length > 0) {
      out(`\nDemo FAILED:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
      return ExitCode.failed;
    }
    out("\nDemo OK: every sample ended as expected (the broken file is reported, the batch went on).");
    if (keep) out(`Kept: ${workspace}`);
    return ExitCode.ok;
  } finally {
    await emulator.close();
    if (!keep) rmSync(workspace, { recursive: true, force: true });
  }
}

function checkOutcomes(
  samples: Awaited<ReturnType<typeof writeSamples>>,
  items: Array<{ path: string; action: string }>,
  folder: string,
): string[] {
  const problems: string[] = [];
  for (const sample of samples) {
    const actions = items
      .filter((item) => item.path === join(folder, sample.file))
      .map((item) => item.action);
    if (!actions.includes(sample.expect)) {
      problems.push(
        `${sample.file} (${sample.why}): expected ${sample.expect}, got ${actions.join(", ") || "nothing"}`,
      );
    }
  }
  return problems;
}
