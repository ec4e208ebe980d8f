import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli, startCli } from "./helpers/cli.js";

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function occupiedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** Polls until `condition` holds, failing after `timeoutMs`. */
async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("intune-codesign emulator start-up", () => {
  it("a port in use: one line naming it, exit 2", async () => {
    const port = await occupiedPort();
    const result = await runCli(["emulator", "--port", String(port)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `intune-codesign: emulator: port ${port} on 127.0.0.1 is already in use; stop what listens there or pick another --port\n`,
    );
  });

  it("--https --cert-dir with a missing folder creates it", async () => {
    const root = mkdtempSync(join(tmpdir(), "emulator-cert-dir-"));
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    const certDir = join(root, "missing", "certs");
    const { child, done } = startCli(["emulator", "--https", "--cert-dir", certDir]);
    let stdout = "";
    child.stdout?.on("data", (chunk) => {
      stdout += chunk;
    });
    await until(() => stdout.includes("ca cert:"));
    expect(stdout).toContain(`ca cert:    ${join(certDir, "ca.pem")}`);
    expect(readFileSync(join(certDir, "ca.pem"), "utf8")).toMatch(/^-----BEGIN CERTIFICATE-----/);
    child.kill("SIGTERM");
    const result = await done;
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
  });
});
