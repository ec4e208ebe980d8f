import { type ChildProcess, spawn } from "node:child_process";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RunLock } from "./lock.js";

let dir: string;
let lockPath: string;
const held: RunLock[] = [];
let child: ChildProcess | null = null;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cli-lock-"));
  lockPath = join(dir, "state", "state.db.lock");
});
afterEach(() => {
  for (const lock of held.splice(0)) lock.release();
  if (child?.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  child = null;
  rmSync(dir, { recursive: true, force: true });
});

function acquire(): RunLock | { heldBy: unknown } {
  const result = RunLock.acquire(lockPath);
  if (result instanceof RunLock) held.push(result);
  return result;
}

/** The built lock module: the child is plain Node and cannot load TypeScript. */
const BUILT_LOCK = new URL("../../dist/state/lock.js", import.meta.url);

/** Starts a process that takes the lock, says so on stdout, and then waits to be killed. */
function startHolder(): Promise<ChildProcess> {
  const script = `
    import { RunLock } from ${JSON.stringify(BUILT_LOCK.href)};
    const lock = RunLock.acquire(${JSON.stringify(lockPath)});
    process.stdout.write(lock instanceof RunLock ? "locked\\n" : "busy\\n");
    setInterval(() => {}, 1000);
  `;
  const holder = spawn(process.execPath, ["--input-type=module", "-e", script], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  child = holder;
  return new Promise((resolve, reject) => {
    holder.on("error", reject);
    holder.on("exit", (code) => reject(new Error(`lock holder exited early with ${code}`)));
    holder.stdout!.once("data", (chunk: Buffer) =>
      chunk.toString() === "locked\n" ? resolve(holder) : reject(new Error(chunk.toString())),
    );
  });
}

describe("RunLock", () => {
  it("is built, so a child process can hold it", () => {
    expect(existsSync(fileURLToPath(BUILT_LOCK))).toBe(true);
  });

  it("acquires, writes the owner note, and creates the folder", () => {
    const before = Date.now();
    const lock = acquire();
    expect(lock).toBeInstanceOf(RunLock);
    expect((lock as RunLock).path).toBe(lockPath);
    const owner = JSON.parse(readFileSync(`${lockPath}.owner`, "utf8"));
    expect(owner).toEqual({ pid: process.pid, host: hostname(), since: expect.any(String) });
    expect(Date.parse(owner.since)).toBeGreaterThanOrEqual(before - 1000);
  });

  it("replaces a symlink planted at the owner note's name, never writing through it; lock and note are 0600", () => {
    const victim = join(dir, "victim");
    writeFileSync(victim, "untouched\n", { mode: 0o644 });
    mkdirSync(join(dir, "state"));
    symlinkSync(victim, `${lockPath}.owner`);
    expect(acquire()).toBeInstanceOf(RunLock);
    expect(readFileSync(victim, "utf8")).toBe("untouched\n");
    expect(statSync(victim).mode & 0o777).toBe(0o644);
    expect(lstatSync(`${lockPath}.owner`).isFile()).toBe(true);
    expect(statSync(`${lockPath}.owner`).mode & 0o777).toBe(0o600);
    expect(statSync(lockPath).mode & 0o777).toBe(0o600);
  });

  it("a second acquire (another connection, same process) is refused with the owner", () => {
    acquire();
    const second = acquire();
    expect(second).not.toBeInstanceOf(RunLock);
    expect(second).toEqual({ heldBy: { pid: process.pid, host: hostname(), since: expect.any(String) } });
  });

  it("a refused acquire without an owner note says heldBy null", () => {
    acquire();
    rmSync(`${lockPath}.owner`);
    expect(acquire()).toEqual({ heldBy: null });
  });

  it("a torn, old or foreign owner note reads as an unknown owner (heldBy null), not a crash", () => {
    acquire();
    for (const note of [
      '{"pid": 12',
      '{"pid": "12", "host": "h", "since": "s"}',
      '{"host": "h"}',
      "[]",
      "null",
    ]) {
      writeFileSync(`${lockPath}.owner`, note);
      expect(acquire()).toEqual({ heldBy: null });
    }
    writeFileSync(`${lockPath}.owner`, '{"pid": 12, "host": "h", "since": "s", "state": "/s.db"}');
    expect(acquire()).toEqual({ heldBy: { pid: 12, host: "h", since: "s", state: "/s.db" } });
  });

  it("release then re-acquire; release twice is harmless", () => {
    const first = acquire() as RunLock;
    first.release();
    first.release();
    expect(acquire()).toBeInstanceOf(RunLock);
  });

  it("refuses while another process holds it, and is taken at once after that process is killed -9", async () => {
    const holder = await startHolder();
    expect(acquire()).toEqual({ heldBy: { pid: holder.pid, host: hostname(), since: expect.any(String) } });
    holder.removeAllListeners("exit");
    const exited = new Promise((resolve) => holder.once("exit", (_code, signal) => resolve(signal)));
    holder.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
    const started = Date.now();
    expect(acquire()).toBeInstanceOf(RunLock);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
