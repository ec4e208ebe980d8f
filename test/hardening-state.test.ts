import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeCa, makeLeaf, type TestCertificate } from "@intune-codesign/testkit/certificates";
import Database from "better-sqlite3";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { Scenario } from "./helpers/scenario.js";

let certificates: TestCertificate[];
let scenario: Scenario;

beforeAll(async () => {
  const ca = await makeCa();
  certificates = await Promise.all(
    Array.from({ length: 8 }, (_, i) => makeLeaf(ca, { subject: `C=US, O=Contoso, CN=Stored ${i}` })),
  );
});
afterEach(async () => {
  await scenario?.close();
});

const digest = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");
const stateFolder = () => join(scenario.root, "state");

async function withCertificates(): Promise<void> {
  scenario = await Scenario.start({ faults: undefined });
  for (const [i, c] of certificates.entries()) scenario.write(`c${i}.cer`, c.der);
  mkdirSync(stateFolder(), { recursive: true });
}

describe("the state store refuses what it did not create (issue 17 row 6)", () => {
  it.each([
    [
      "a database with tables named files and certificates",
      (path: string) => {
        const db = new Database(path);
        db.exec(
          "CREATE TABLE files (a); CREATE TABLE certificates (b); INSERT INTO files VALUES ('keep me');",
        );
        db.close();
      },
      "a SQLite database this tool did not create (tables: certificates, files); left as is",
    ],
    [
      "another application's database",
      (path: string) => {
        const db = new Database(path);
        db.exec("PRAGMA application_id = 1234; CREATE TABLE t (a);");
        db.close();
      },
      "a SQLite database of another application (application_id 0x4d2); left as is",
    ],
    [
      "a text file",
      (path: string) => writeFileSync(path, "user:x:1000:1000::/home/user:/bin/sh\n".repeat(40)),
      "not an intune-codesign state store (not a SQLite database); left as is",
    ],
  ])("%s: exit 2, the file untouched, no lock beside it, nothing sent", async (_name, make, message) => {
    await withCertificates();
    make(scenario.state);
    const before = digest(scenario.state);
    const result = await scenario.upload();
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`--state ${scenario.state}: ${message}`);
    expect(digest(scenario.state)).toBe(before);
    expect(readdirSync(stateFolder())).toEqual(["state.db"]);
    expect(scenario.emulator.requests()).toHaveLength(0);
  });
});

describe("a damaged store is moved aside and the run goes on (issue 17 row 6)", () => {
  it.each([
    ["truncated to 50 bytes", (bytes: Buffer) => bytes.subarray(0, 50)],
    [
      "40 bytes flipped in its second page",
      (bytes: Buffer) => {
        const flipped = Buffer.from(bytes);
        for (let i = 4096; i < 4096 + 40; i++) flipped[i] = flipped[i]! ^ 0xff;
        return flipped;
      },
    ],
  ])("%s: a warning names the new name, the run syncs with a fresh store", async (_name, damage) => {
    await withCertificates();
    expect((await scenario.upload()).code).toBe(0);
    const damaged = damage(readFileSync(scenario.state));
    writeFileSync(scenario.state, damaged);
    const result = await scenario.upload();
    expect(result.code).toBe(0);
    const aside = readdirSync(stateFolder()).filter((name) => name.startsWith("state.db.corrupt-"));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(stateFolder(), aside[0]!))).toEqual(damaged);
    expect(result.stderr).toContain(
      `the state store was damaged; moved aside to ${join(stateFolder(), aside[0]!)}`,
    );
    expect(result.report.summary).toMatchObject({ certificates: 8, failed: 0 });
    const store = new Database(scenario.state, { readonly: true });
    expect(store.prepare("SELECT count(*) AS n FROM certificates").get()).toEqual({ n: 8 });
    store.close();
  });
});

describe("a state path that cannot be used: exit 2 with the path (issue 17 row 6)", () => {
  it("--state /dev/null: not a regular file, and no /dev/null.lock", async () => {
    await withCertificates();
    const result = await scenario.upload(["--state", "/dev/null"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--state /dev/null: not a regular file (a character device)");
    expect(existsSync("/dev/null.lock")).toBe(false);
    expect(scenario.emulator.requests()).toHaveLength(0);
  });

  it("a state folder that cannot be created, also under /proc (where Node 20's recursive mkdir never returns)", async () => {
    await withCertificates();
    const state = "/proc/self/intune-codesign/state.db";
    const result = await scenario.upload(["--state", state]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`--state ${state}: cannot create folder /proc/self/intune-codesign: `);
    expect(scenario.emulator.requests()).toHaveLength(0);
  });

  it("a read-only state folder", async () => {
    await withCertificates();
    const folder = join(scenario.root, "read-only");
    mkdirSync(folder);
    const root = process.getuid?.() === 0;
    // Root writes through file modes: a read-only mount is what stops it.
    if (root) execFileSync("mount", ["-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", folder]);
    else execFileSync("chmod", ["0500", folder]);
    try {
      const result = await scenario.upload(["--state", join(folder, "state.db")]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        `--state ${join(folder, "state.db")}: cannot create a file in ${folder}: ${root ? "read-only file system (EROFS)" : "permission denied (EACCES)"}`,
      );
      expect(readdirSync(folder)).toEqual([]);
      expect(scenario.emulator.requests()).toHaveLength(0);
    } finally {
      if (root) execFileSync("umount", [folder]);
    }
  });
});

describe("modes (issue 17 row 9)", () => {
  it("state store and its companions 0600, report 0600, metrics 0644, under umask 022", async () => {
    await withCertificates();
    const report = join(scenario.root, "out", "report.json");
    const metrics = join(scenario.root, "out", "metrics.prom");
    const { startCli } = await import("./helpers/cli.js");
    const umask = process.umask(0o022);
    try {
      const run = startCli(
        scenario.uploadArgs(["--report", report, "--metrics-file", metrics, "--rate-limit", "1/60s"]),
      );
      const deadline = Date.now() + 30_000;
      while (scenario.writeRequests() < 1) {
        if (Date.now() > deadline) throw new Error("the run never started writing");
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // Mid-run, the WAL and shared-memory files exist beside the store.
      const modes = Object.fromEntries(
        readdirSync(stateFolder()).map((name) => [name, statSync(join(stateFolder(), name)).mode & 0o777]),
      );
      // Without XDG_RUNTIME_DIR the tenant's lock sits beside the store, as private as the store's own.
      const tenantLocks = Object.keys(modes).filter((name) => name.startsWith("tenant-"));
      expect(tenantLocks.map((name) => name.replace(/^tenant-[0-9a-f]{16}/, "tenant-*")).sort()).toEqual([
        "tenant-*.lock",
        "tenant-*.lock-journal",
        "tenant-*.lock.owner",
      ]);
      expect(modes).toEqual({
        "state.db": 0o600,
        "state.db-wal": 0o600,
        "state.db-shm": 0o600,
        "state.db.lock": 0o600,
        "state.db.lock-journal": 0o600,
        "state.db.lock.owner": 0o600,
        ...Object.fromEntries(tenantLocks.map((name) => [name, 0o600])),
      });
      run.child.kill("SIGTERM");
      expect((await run.done).code).toBe(130);
    } finally {
      process.umask(umask);
    }
    expect(statSync(report).mode & 0o777).toBe(0o600);
    expect(statSync(metrics).mode & 0o777).toBe(0o644);
  }, 60_000);
});

describe("disk full mid-run (issue 17 row 6)", () => {
  // A small tmpfs under the state store, filled once the run is writing: root only (mount).
  it.runIf(process.getuid?.() === 0)(
    "the run stops taking work, what was sent is reported and logged, exit 1 with disk_full",
    async () => {
      await withCertificates();
      execFileSync("mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", stateFolder()]);
      try {
        const report = join(scenario.root, "report.json");
        const { startCli } = await import("./helpers/cli.js");
        const run = startCli(
          scenario.uploadArgs(["--report", report, "--rate-limit", "1/1s", "--concurrency", "1"]),
        );
        const deadline = Date.now() + 30_000;
        while (scenario.acceptedWrites() < 2) {
          if (Date.now() > deadline) throw new Error("the run never started writing");
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        // Fills what is left of the tmpfs (dd stops at ENOSPC).
        try {
          execFileSync("dd", ["if=/dev/zero", `of=${join(stateFolder(), "filler")}`, "bs=64k"], {
            stdio: "ignore",
          });
        } catch {}
        const result = await run.done;
        expect(result.code).toBe(1);
        expect(result.stderr).toContain("intune-codesign: disk_full: the disk under the state store is full");
        const parsed = JSON.parse(readFileSync(report, "utf8")) as {
          items: Array<{ action: string; id: string | null; error: { code: string } | null }>;
        };
        const created = parsed.items.filter((item) => item.action === "created");
        // Every object the tenant got is in the report with its id, and in the log; the rest were not sent.
        expect(created.length).toBe(scenario.acceptedWrites());
        expect(created.length).toBeLessThan(8);
        for (const item of created) expect(result.stderr).toContain(item.id!);
        expect(
          parsed.items.filter((item) => item.action !== "created").map((item) => item.error?.code),
        ).toEqual(Array(8 - created.length).fill("disk_full"));
      } finally {
        execFileSync("umount", [stateFolder()]);
      }
    },
    60_000,
  );
});
