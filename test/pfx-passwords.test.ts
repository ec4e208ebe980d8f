import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  makeCa,
  makeLeaf,
  sha256Of,
  type TestCertificate,
  writePkcs12,
} from "@intune-codesign/testkit/certificates";
import { generateFixtures } from "@intune-codesign/testkit/fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { Scenario } from "./helpers/scenario.js";

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

describe("upload of a PKCS#12 file whose integrity is not verified", () => {
  it("says so on each of its certificates' items, also when the next run reads the file cache", async () => {
    const fixtures = generateFixtures();
    const scenario = await Scenario.start();
    try {
      const expected = (
        JSON.parse(readFileSync(join(fixtures.dir, "pkcs12", "matrix.json"), "utf8")) as Array<{
          file: string;
          password: string;
          certificates: string[];
          warning: string;
        }>
      ).find((c) => c.file === "public-key-integrity.p12")!;
      copyFileSync(join(fixtures.dir, "pkcs12", expected.file), join(scenario.certs, expected.file));
      // The same leaf in a PEM file, sorted after it: a duplicate, and no warning of its own.
      scenario.write("z-plain.pem", readFileSync(join(fixtures.dir, "leaf.pem")));
      const password = join(scenario.root, "pfx-password");
      writeFileSync(password, `${expected.password}\n`);
      const items = async () =>
        (await scenario.upload(["--pfx-password-file", password])).report.items.map((i) => [
          i.path.slice(scenario.certs.length + 1),
          i.sha256,
          i.action,
          i.warning,
        ]);
      const [sha256] = expected.certificates;
      expect(expected.warning).toMatch(/^integrity not verified: /);
      expect(await items()).toEqual([
        [expected.file, sha256, "created", expected.warning],
        ["z-plain.pem", sha256, "skipped", null],
      ]);
      expect(await items()).toEqual([
        [expected.file, sha256, "unchanged", expected.warning],
        ["z-plain.pem", sha256, "skipped", null],
      ]);
    } finally {
      await scenario.close();
      fixtures.cleanup();
    }
  });
});
