import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  makeCa,
  makeLeaf,
  sha256Of,
  type TestCertificate,
  writePkcs12,
} from "@intune-codesign/testkit/certificates";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";

let root: string;
let certs: string;
let first: string;
let second: string;
let leaves: TestCertificate[];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "intune-codesign-pfx-passwords-"));
  certs = join(root, "certs");
  mkdirSync(certs);
  const ca = await makeCa();
  leaves = await Promise.all(
    ["One", "Two", "Empty"].map((name) => makeLeaf(ca, { subject: `C=US, O=Contoso, CN=${name} Signing` })),
  );
  first = join(root, "first-password");
  second = join(root, "second-password");
  const empty = join(root, "empty-password");
  writeFileSync(first, "first secret\n");
  writeFileSync(second, "second secret\n");
  writeFileSync(empty, "\n");
  await writePkcs12(join(certs, "one.pfx"), leaves[0]!, first);
  await writePkcs12(join(certs, "two.pfx"), leaves[1]!, second);
  await writePkcs12(join(certs, "empty.pfx"), leaves[2]!, empty);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

const opened = (stdout: string) =>
  (JSON.parse(stdout) as { files: { error: unknown; certificates: { sha256: string }[] }[] }).files.map(
    (f) => ({
      error: f.error,
      certificates: f.certificates.map((c) => c.sha256),
    }),
  );

describe("--pfx-password-file", () => {
  it("is repeatable: each file holds one password, tried in order; a file without a password opens too", async () => {
    const result = await runCli([
      "inspect",
      "--json",
      "--pfx-password-file",
      first,
      "--pfx-password-file",
      second,
      certs,
    ]);
    expect(result.code).toBe(0);
    // Sorted path order: empty.pfx, one.pfx, two.pfx.
    expect(opened(result.stdout)).toEqual([
      { error: null, certificates: [sha256Of(leaves[2]!)] },
      { error: null, certificates: [sha256Of(leaves[0]!)] },
      { error: null, certificates: [sha256Of(leaves[1]!)] },
    ]);
  });

  it("with one file, a PFX made with the other password is bad_password", async () => {
    const result = await runCli(["inspect", "--json", "--pfx-password-file", first, join(certs, "two.pfx")]);
    expect(result.code).toBe(1);
    expect(opened(result.stdout)).toEqual([
      {
        error: { code: "bad_password", message: "the PKCS#12 password does not open this file" },
        certificates: [],
      },
    ]);
  });
});
