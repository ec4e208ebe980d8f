import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The built CLI, run as a user would run it. */
export const CLI = fileURLToPath(new URL("../../packages/cli/bin/intune-codesign.js", import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Spawns the CLI; `env` is added to a copy of the environment without the caller's Azure and tool settings, nor
 * its `XDG_RUNTIME_DIR` (where the tenant lock would go: a test that wants one passes it).
 * `wrapper` is a command line the CLI runs under (e.g. `/usr/bin/time -f %M -o FILE`).
 */
export function startCli(
  args: string[],
  env: Record<string, string> = {},
  wrapper: string[] = [],
): { child: ChildProcess; done: Promise<CliResult> } {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) =>
        !key.startsWith("AZURE_") && !key.startsWith("INTUNE_CODESIGN_") && key !== "XDG_RUNTIME_DIR",
    ),
  );
  const [command, ...prefix] = [...wrapper, process.execPath];
  const child = spawn(command!, [...prefix, CLI, ...args], {
    env: { ...base, LOG_LEVEL: "info", NO_COLOR: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr!.on("data", (chunk) => {
    stderr += chunk;
  });
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

/** Runs the CLI to completion. */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return startCli(args, env).done;
}

/** Runs the CLI under GNU time; `maxRssKb` is the peak resident set size of the process and its threads. */
export async function runCliMeasured(
  args: string[],
  env: Record<string, string> = {},
): Promise<CliResult & { maxRssKb: number; durationMs: number }> {
  const output = join(mkdtempSync(join(tmpdir(), "cli-time-")), "rss");
  const started = performance.now();
  const result = await startCli(args, env, ["/usr/bin/time", "-f", "%M", "-o", output]).done;
  const durationMs = performance.now() - started;
  const maxRssKb = Number(readFileSync(output, "utf8").trim().split("\n").at(-1));
  rmSync(join(output, ".."), { recursive: true, force: true });
  return { ...result, maxRssKb, durationMs };
}
