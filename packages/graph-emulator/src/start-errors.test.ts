import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startEmulator } from "./emulator.js";
import { EmulatorStartError } from "./start-error.js";
import type { RunningEmulator } from "./types.js";

const started: RunningEmulator[] = [];
const folders: string[] = [];
afterEach(async () => {
  for (const emulator of started.splice(0)) await emulator.close();
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function folder(): string {
  const path = mkdtempSync(join(tmpdir(), "emulator-start-"));
  folders.push(path);
  return path;
}

async function startFailure(options: Parameters<typeof startEmulator>[0]): Promise<EmulatorStartError> {
  const error = await startEmulator(options).then(
    (emulator) => {
      started.push(emulator);
      throw new Error("the emulator started");
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(EmulatorStartError);
  return error as EmulatorStartError;
}

describe("start-up failures", () => {
  it("names the port when it is in use", async () => {
    const first = await startEmulator();
    started.push(first);
    const port = Number(new URL(first.rootUrl).port);
    const error = await startFailure({ port });
    expect(error.message).toBe(`port ${port} on 127.0.0.1 is already in use`);
    expect(error.code).toBe("EADDRINUSE");
  });

  it("creates a missing certificate folder, parents included", async () => {
    const certDir = join(folder(), "a", "b");
    const emulator = await startEmulator({ https: true, certDir });
    started.push(emulator);
    expect(emulator.caCertPath).toBe(join(certDir, "ca.pem"));
    expect(readFileSync(join(certDir, "ca.pem"), "utf8")).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });

  it("says which certificate path cannot be written, and why", async () => {
    const file = join(folder(), "file");
    writeFileSync(file, "");
    const error = await startFailure({ https: true, certDir: join(file, "certs") });
    expect(error.message).toBe(
      `cannot write the HTTPS certificate to ${join(file, "certs", "ca.pem")}: not a directory`,
    );
    expect(error.code).toBe("ENOTDIR");
  });
});
