import { lstatSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator } from "@intune-codesign/graph-emulator";
import { afterEach, describe, expect, it } from "vitest";
import { startCli } from "./helpers/cli.js";

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Polls until `check` holds, or fails after `ms`. */
async function until(check: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("every file the tool writes (issue 17 row 1)", () => {
  it("the emulator's --token-file replaces a planted symlink instead of writing through it; 0600", async () => {
    dir = mkdtempSync(join(tmpdir(), "hardening-files-"));
    const victim = join(dir, "victim");
    writeFileSync(victim, "untouched\n", { mode: 0o644 });
    const tokenFile = join(dir, "token");
    symlinkSync(victim, tokenFile);
    const { child, done } = startCli(["emulator", "--port", "0", "--token-file", tokenFile]);
    let stdout = "";
    child.stdout!.on("data", (chunk) => {
      stdout += chunk;
    });
    await until(() => stdout.includes("token file:"));
    child.kill("SIGTERM");
    await done;
    expect(readFileSync(victim, "utf8")).toBe("untouched\n");
    expect(statSync(victim).mode & 0o777).toBe(0o644);
    expect(lstatSync(tokenFile).isFile()).toBe(true);
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(tokenFile, "utf8")).toMatch(/^\S+\n$/);
  });
});

describe("the emulator's files (issue 17 row 1)", () => {
  it("--cert-dir's ca.pem replaces a planted symlink instead of writing through it", async () => {
    dir = mkdtempSync(join(tmpdir(), "hardening-files-"));
    const victim = join(dir, "victim");
    writeFileSync(victim, "untouched\n", { mode: 0o644 });
    symlinkSync(victim, join(dir, "ca.pem"));
    const emulator = await startEmulator({ https: true, certDir: dir });
    try {
      expect(readFileSync(victim, "utf8")).toBe("untouched\n");
      expect(lstatSync(join(dir, "ca.pem")).isFile()).toBe(true);
      expect(readFileSync(join(dir, "ca.pem"), "utf8")).toContain("-----BEGIN CERTIFICATE-----");
    } finally {
      await emulator.close();
    }
  });
});
