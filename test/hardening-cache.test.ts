import { execFileSync } from "node:child_process";
import { statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  makeCa,
  makeLeaf,
  sha256Of,
  type TestCertificate,
  writePkcs12,
} from "@intune-codesign/testkit/certificates";
import Database from "better-sqlite3";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { Scenario } from "./helpers/scenario.js";

let scenario: Scenario;
let ca: TestCertificate;
afterEach(async () => {
  await scenario?.close();
});
beforeAll(async () => {
  ca = await makeCa();
});

/** The "files read" log line's counts: how many files were parsed now, how many came from the cache. */
function filesRead(stderr: string): { parsed: number; cached: number } {
  const line = stderr.split("\n").find((l) => l.includes('"msg":"files read"'));
  if (!line) throw new Error("no files read line");
  const { parsed, cached } = JSON.parse(line) as { parsed: number; cached: number };
  return { parsed, cached };
}

/** Two certificates of one subject whose DER has the same size (ECDSA signatures vary by a byte or two). */
async function sameSizePair(): Promise<[TestCertificate, TestCertificate]> {
  const first = await makeLeaf(ca, { subject: "C=US, O=Contoso, CN=Renewed signer", days: 100 });
  for (;;) {
    const renewed = await makeLeaf(ca, { subject: "C=US, O=Contoso, CN=Renewed signer", days: 465 });
    if (renewed.der.length === first.der.length) return [first, renewed];
  }
}

describe("the file cache key (issue 14 row 13)", () => {
  it("a renewed certificate of the same size written with its old mtime (touch -r) is read and sent", async () => {
    scenario = await Scenario.start({ faults: undefined });
    const [old, renewed] = await sameSizePair();
    const path = scenario.write("signer.cer", old.der);
    const reference = join(scenario.root, "reference");
    writeFileSync(reference, "");
    execFileSync("touch", ["-r", path, reference]);
    const first = await scenario.upload();
    expect(first.report.items.map((i) => [i.sha256, i.action])).toEqual([[sha256Of(old), "created"]]);

    // Rewritten in place (same inode) with the same size, and its mtime set back: only the ctime tells.
    writeFileSync(path, renewed.der);
    execFileSync("touch", ["-r", reference, path]);
    expect(statSync(path).mtimeMs).toBe(statSync(reference).mtimeMs);
    const second = await scenario.upload();
    expect(second.code).toBe(0);
    expect(filesRead(second.stderr)).toEqual({ parsed: 1, cached: 0 });
    // The old certificate's object is now a renewal's predecessor in the same file: reported, and kept.
    expect(second.report.items.map((i) => [i.sha256, i.action])).toEqual([
      [sha256Of(renewed), "created"],
      [sha256Of(old), "superseded"],
    ]);
  });
});

describe("failed parses are cached (issue 17 row 5)", () => {
  it("an unchanged broken file is not read again, and is reported the same; a password given parses again", async () => {
    scenario = await Scenario.start({ faults: undefined });
    scenario.write("broken.pem", "-----BEGIN CERTIFICATE-----\nnot base64\n");
    const passwordFile = join(scenario.root, "pfx-password");
    writeFileSync(passwordFile, "s3cret\n");
    await writePkcs12(
      join(scenario.certs, "signer.pfx"),
      await makeLeaf(ca, { subject: "CN=In a PFX" }),
      passwordFile,
    );

    const first = await scenario.upload(["--dry-run"]);
    expect(filesRead(first.stderr)).toEqual({ parsed: 2, cached: 0 });
    const failures = first.report.items.map((i) => [i.path, i.error?.code]);
    expect(failures).toEqual([
      [join(scenario.certs, "broken.pem"), "malformed"],
      [join(scenario.certs, "signer.pfx"), "password_required"],
    ]);

    const second = await scenario.upload(["--dry-run"]);
    expect(filesRead(second.stderr)).toEqual({ parsed: 0, cached: 2 });
    expect(second.report.items).toEqual(first.report.items);

    const third = await scenario.upload(["--dry-run", "--pfx-password-file", passwordFile]);
    expect(filesRead(third.stderr)).toEqual({ parsed: 2, cached: 0 });
    expect(third.report.items.map((i) => [i.path, i.error?.code ?? i.action])).toEqual([
      [join(scenario.certs, "broken.pem"), "malformed"],
      [join(scenario.certs, "signer.pfx"), "created"],
    ]);
  });
});

describe("a damaged file-cache row (issue 15 item 5)", () => {
  it("is a cache miss with a debug line: the file is parsed again, reported the same, and cached anew", async () => {
    scenario = await Scenario.start({ faults: undefined });
    const signer = scenario.write("signer.cer", (await makeLeaf(ca, { subject: "CN=Cached signer" })).der);
    scenario.write("other.cer", (await makeLeaf(ca, { subject: "CN=Other signer" })).der);
    const first = await scenario.upload(["--dry-run"]);
    expect(filesRead(first.stderr)).toEqual({ parsed: 2, cached: 0 });

    const db = new Database(scenario.state);
    try {
      db.prepare("UPDATE files SET certificates = '[{\"sha256\": 1}]' WHERE path = CAST(? AS BLOB)").run(
        signer,
      );
    } finally {
      db.close();
    }
    const second = await scenario.upload(["--dry-run", "--log-level", "debug"]);
    expect(second.code).toBe(0);
    expect(filesRead(second.stderr)).toEqual({ parsed: 1, cached: 1 });
    const ignored = second.stderr
      .split("\n")
      .filter((line) => line.includes("cached parse not used"))
      .map((line) => JSON.parse(line) as { level: number; file: string; msg: string });
    expect(ignored).toEqual([
      expect.objectContaining({
        level: 20,
        file: signer,
        msg: "cached parse not used, the file is read again: its certificates: Invalid type: Expected string but received 1 at 0.sha256",
      }),
    ]);
    expect(second.report.items).toEqual(first.report.items);

    const third = await scenario.upload(["--dry-run"]);
    expect(filesRead(third.stderr)).toEqual({ parsed: 0, cached: 2 });
  });
});
