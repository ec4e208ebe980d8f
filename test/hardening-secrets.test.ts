import { execFileSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { Scenario } from "./helpers/scenario.js";

let scenario: Scenario;
afterEach(async () => {
  await scenario?.close();
});

/** Runs an upload whose credential is `flag` naming `file`, and times it. */
async function uploadWith(flag: string, file: string) {
  const credential =
    flag === "--access-token-file"
      ? [flag, file]
      : flag === "--client-certificate"
        ? [
            flag,
            file,
            "--tenant-id",
            "contoso.onmicrosoft.com",
            "--client-id",
            "00000000-0000-0000-0000-000000000001",
          ]
        : ["--access-token-file", scenario.tokenFile, flag, file];
  const started = performance.now();
  const result = await runCli([
    "upload",
    "--graph-url",
    scenario.emulator.url,
    "--state",
    scenario.state,
    ...credential,
    scenario.certs,
  ]);
  return { ...result, ms: performance.now() - started };
}

describe("secret files (issue 17 rows 4 and 9)", () => {
  it.each([
    [
      "--access-token-file",
      "a FIFO",
      (path: string) => execFileSync("mkfifo", [path]),
      "is not a regular file (a FIFO)",
    ],
    [
      "--pfx-password-file",
      "a FIFO",
      (path: string) => execFileSync("mkfifo", [path]),
      "is not a regular file (a FIFO)",
    ],
    [
      "--client-certificate",
      "a FIFO",
      (path: string) => execFileSync("mkfifo", [path]),
      "is not a regular file (a FIFO)",
    ],
    ["--pfx-password-file", "/dev/zero", () => undefined, "is not a regular file (a character device)"],
    [
      "--access-token-file",
      "a file over 64 KiB",
      (path: string) => writeFileSync(path, "x".repeat(64 * 1024 + 1)),
      `is ${64 * 1024 + 1} bytes, more than the 65536 a secret file may hold`,
    ],
    ["--access-token-file", "a missing file", () => undefined, "(ENOENT)"],
  ])("%s naming %s: exit 2 at once, before the lock, nothing sent", async (flag, name, make, message) => {
    scenario = await Scenario.start({ faults: undefined });
    const file = name === "/dev/zero" ? "/dev/zero" : join(scenario.root, "secret");
    make(file);
    const result = await uploadWith(flag, file);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`[Ss]ecret file ${file} `));
    expect(result.stderr).toContain(message);
    expect(result.ms).toBeLessThan(5_000);
    expect(existsSync(join(scenario.root, "state"))).toBe(false);
    expect(scenario.emulator.requests()).toHaveLength(0);
  });
});
