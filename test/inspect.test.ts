import { createHash, X509Certificate } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CODE_SIGNING,
  makeCa,
  makeLeaf,
  type TestCertificate,
  writePkcs12,
} from "@intune-codesign/testkit/certificates";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliResult, runCli } from "./helpers/cli.js";

const PASSWORD = "correct horse battery";
const ISSUER = "CN=Test Root CA, O=Test Org, C=US";

let root: string;
let certs: string;
let broken: string;
/** Holds the password with CRLF, as Windows editors write it. */
let passwordFileCrlf: string;
let good: TestCertificate;
let bundled: TestCertificate;
let expired: TestCertificate;
let pfxLeaf: TestCertificate;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "intune-codesign-inspect-"));
  certs = join(root, "certs");
  broken = join(root, "broken");
  mkdirSync(join(certs, "nested"), { recursive: true });
  mkdirSync(broken);
  const ca = await makeCa();
  good = await makeLeaf(ca, { subject: "C=US, O=Contoso, CN=Good Signing" });
  bundled = await makeLeaf(ca, { subject: "C=US, O=Contoso, OU=Bundle, CN=Bundled Signing", days: 700 });
  expired = await makeLeaf(ca, { subject: "C=US, O=Contoso, CN=Old Signing", days: -5 });
  pfxLeaf = await makeLeaf(ca, { subject: "C=US, O=Contoso, CN=Pfx Signing", days: 200 });

  writeFileSync(join(certs, "good.cer"), good.der);
  writeFileSync(join(certs, "nested", "bundle.pem"), `${bundled.pem}\n${ca.pem}\n`);
  writeFileSync(join(certs, "expired.cer"), expired.der);
  const opensslPasswordFile = join(root, "openssl-password");
  writeFileSync(opensslPasswordFile, `${PASSWORD}\n`);
  await writePkcs12(join(certs, "signing.pfx"), pfxLeaf, opensslPasswordFile);
  passwordFileCrlf = join(root, "pfx-password");
  writeFileSync(passwordFileCrlf, `${PASSWORD}\r\n`);
  writeFileSync(join(broken, "truncated.cer"), good.der.subarray(0, 100));
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

/** A certificate as `inspect --json` must show it; values come from node:crypto, not from the parser under test. */
function expectedCertificate(
  test: TestCertificate,
  names: { subject: string; subjectName: string },
  verdict: { upload: boolean; skipReason: string | null } = { upload: true, skipReason: null },
) {
  const x509 = new X509Certificate(test.der);
  return {
    sha256: createHash("sha256").update(test.der).digest("hex"),
    sha1: createHash("sha1").update(test.der).digest("hex"),
    serialNumber: x509.serialNumber.toLowerCase(),
    subject: names.subject,
    subjectName: names.subjectName,
    issuer: ISSUER,
    issuerName: "Test Root CA",
    notBefore: isoSeconds(x509.validFrom),
    notAfter: isoSeconds(x509.validTo),
    isCA: false,
    keyUsage: [],
    extendedKeyUsage: [CODE_SIGNING],
    signatureAlgorithm: "ecdsa-with-SHA256",
    publicKeyAlgorithm: "id-ecPublicKey",
    publicKeySize: 256,
    upload: verdict.upload,
    skipReason: verdict.skipReason,
  };
}

function isoSeconds(openSslDate: string): string {
  return new Date(openSslDate).toISOString().replace(/\.000Z$/, "Z");
}

const GOOD = () =>
  expectedCertificate(good, { subject: "CN=Good Signing, O=Contoso, C=US", subjectName: "Good Signing" });
const BUNDLED = () =>
  expectedCertificate(bundled, {
    subject: "CN=Bundled Signing, OU=Bundle, O=Contoso, C=US",
    subjectName: "Bundled Signing",
  });
const EXPIRED = () =>
  expectedCertificate(
    expired,
    { subject: "CN=Old Signing, O=Contoso, C=US", subjectName: "Old Signing" },
    { upload: false, skipReason: "expired" },
  );
const PFX = () =>
  expectedCertificate(pfxLeaf, { subject: "CN=Pfx Signing, O=Contoso, C=US", subjectName: "Pfx Signing" });

/** The good folder as `inspect --json` lists it, in bytewise path order, with the PKCS#12 as `pfx` says. */
function certsFolder(pfx: { error: { code: string; message: string } | null; certificates: unknown[] }) {
  return [
    { path: join(certs, "expired.cer"), format: "der", error: null, certificates: [EXPIRED()] },
    { path: join(certs, "good.cer"), format: "der", error: null, certificates: [GOOD()] },
    { path: join(certs, "nested", "bundle.pem"), format: "pem", error: null, certificates: [BUNDLED()] },
    { path: join(certs, "signing.pfx"), format: "pkcs12", ...pfx },
  ];
}

function json(result: CliResult): { files: unknown[] } {
  return JSON.parse(result.stdout) as { files: unknown[] };
}

describe("inspect --json", () => {
  it("lists every file with exact fields; the PKCS#12 opens with a password file ending in CRLF; exit 0", async () => {
    const result = await runCli(["inspect", "--json", "--pfx-password-file", passwordFileCrlf, certs]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(json(result)).toEqual({ files: certsFolder({ error: null, certificates: [PFX()] }) });
  });

  it("takes the PKCS#12 password from INTUNE_CODESIGN_PFX_PASSWORD", async () => {
    const result = await runCli(["inspect", "--json", join(certs, "signing.pfx")], {
      INTUNE_CODESIGN_PFX_PASSWORD: PASSWORD,
    });
    expect(result.code).toBe(0);
    expect(json(result)).toEqual({
      files: [{ path: join(certs, "signing.pfx"), format: "pkcs12", error: null, certificates: [PFX()] }],
    });
  });

  it("the password file wins over the environment variable", async () => {
    const result = await runCli(
      ["inspect", "--json", "--pfx-password-file", passwordFileCrlf, join(certs, "signing.pfx")],
      {
        INTUNE_CODESIGN_PFX_PASSWORD: "wrong",
      },
    );
    expect(result.code).toBe(0);
    expect(json(result).files).toEqual([
      { path: join(certs, "signing.pfx"), format: "pkcs12", error: null, certificates: [PFX()] },
    ]);
  });

  it.each([
    [
      "without a password",
      {},
      {
        code: "password_required",
        message: "PKCS#12 file is password-protected; give --pfx-password-file",
      },
    ],
    [
      "with a wrong password",
      { INTUNE_CODESIGN_PFX_PASSWORD: "wrong" },
      { code: "bad_password", message: "the PKCS#12 password does not open this file" },
    ],
  ])("a PKCS#12 %s is a failed file; the rest is listed; exit 1", async (_name, env, error) => {
    const result = await runCli(["inspect", "--json", certs], env);
    expect(result.code).toBe(1);
    const files = json(result).files;
    expect(files.slice(0, 3)).toEqual(certsFolder({ error: null, certificates: [] }).slice(0, 3));
    expect(files[3]).toEqual({
      path: join(certs, "signing.pfx"),
      format: "pkcs12",
      error,
      certificates: [],
    });
  });

  it("a broken file fails with its code while the others are listed; exit 1", async () => {
    const result = await runCli([
      "inspect",
      "--json",
      "--pfx-password-file",
      passwordFileCrlf,
      broken,
      certs,
    ]);
    expect(result.code).toBe(1);
    expect(json(result)).toEqual({
      files: [
        {
          path: join(broken, "truncated.cer"),
          format: "der",
          error: { code: "malformed", message: "truncated or corrupt DER certificate structure" },
          certificates: [],
        },
        ...certsFolder({ error: null, certificates: [PFX()] }),
      ],
    });
  });

  it("the same certificate found again in a later file is a duplicate", async () => {
    const again = join(root, "again");
    mkdirSync(again, { recursive: true });
    writeFileSync(join(again, "z-copy.pem"), good.pem);
    const withCopy = await runCli(["inspect", "--json", join(certs, "good.cer"), again]);
    expect(withCopy.code).toBe(0);
    expect(json(withCopy).files).toEqual([
      {
        path: join(again, "z-copy.pem"),
        format: "pem",
        error: null,
        certificates: [GOOD()],
      },
      {
        path: join(certs, "good.cer"),
        format: "der",
        error: null,
        certificates: [{ ...GOOD(), upload: false, skipReason: "duplicate" }],
      },
    ]);
  });
});

describe("inspect: usage errors exit 2 and print nothing on stdout", () => {
  it.each<[string, string[], string]>([
    [
      "a missing path",
      ["inspect", "--json", "__missing__"],
      "intune-codesign: no such file or folder: __missing__\n",
    ],
    [
      "an unknown flag",
      ["inspect", "--nope", "__missing__"],
      "error: unknown option '--nope'\n(run with --help for usage)\n",
    ],
    ["no path at all", ["inspect"], "error: missing required argument 'path'\n(run with --help for usage)\n"],
    [
      "an invalid size",
      ["inspect", "--max-file-size", "lots", "."],
      "error: option '--max-file-size <size>' argument 'lots' is invalid. expected a size such as 10MiB, 512KiB or 1048576\n(run with --help for usage)\n",
    ],
  ])("%s", async (_name, args, stderr) => {
    const result = await runCli(args);
    expect(result).toMatchObject({ code: 2, stdout: "", stderr });
  });

  it("a missing path among existing ones: nothing is read", async () => {
    const result = await runCli(["inspect", certs, join(root, "nope")]);
    expect(result).toMatchObject({
      code: 2,
      stdout: "",
      stderr: `intune-codesign: no such file or folder: ${join(root, "nope")}\n`,
    });
  });

  it("a missing --pfx-password-file is a usage error, not an unexpected one", async () => {
    const result = await runCli(["inspect", "--pfx-password-file", join(root, "no-password"), certs]);
    expect(result).toMatchObject({
      code: 2,
      stdout: "",
      stderr: `intune-codesign: --pfx-password-file: Cannot read secret file ${join(root, "no-password")} (ENOENT).\n`,
    });
  });
});

describe("inspect (table)", () => {
  /** Splits the table into cells and checks that every row's columns start where the header's do. */
  function cells(table: string[]): string[][] {
    const header = table[0]!;
    const starts = ["PATH", "SUBJECT NAME", "EXPIRES", "UPLOAD"].map((title) => header.indexOf(title));
    return table.map((line) => {
      const row = starts.map((start, i) => line.slice(start, starts[i + 1]).trimEnd());
      for (const [i, start] of starts.entries()) if (i > 0) expect(line[start - 1], line).toBe(" ");
      return row;
    });
  }

  it("lists each certificate (path, subject name, expiry date, verdict) and then the errors", async () => {
    const result = await runCli(["inspect", broken, certs]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("");
    const lines = result.stdout.split("\n");
    const blank = lines.indexOf("");
    expect(cells(lines.slice(0, blank))).toEqual([
      ["PATH", "SUBJECT NAME", "EXPIRES", "UPLOAD"],
      [join(certs, "expired.cer"), "Old Signing", EXPIRED().notAfter.slice(0, 10), "skip: expired"],
      [join(certs, "good.cer"), "Good Signing", GOOD().notAfter.slice(0, 10), "yes"],
      [join(certs, "nested", "bundle.pem"), "Bundled Signing", BUNDLED().notAfter.slice(0, 10), "yes"],
    ]);
    expect(lines.slice(blank)).toEqual([
      "",
      "Errors (2):",
      `  ${join(broken, "truncated.cer")}: malformed: truncated or corrupt DER certificate structure`,
      `  ${join(certs, "signing.pfx")}: password_required: PKCS#12 file is password-protected; give --pfx-password-file`,
      "",
    ]);
  });

  it("says so when no certificate was found", async () => {
    const result = await runCli(["inspect", broken]);
    expect(result).toMatchObject({
      code: 1,
      stdout: `No certificates found.\n\nErrors (1):\n  ${join(broken, "truncated.cer")}: malformed: truncated or corrupt DER certificate structure\n`,
    });
  });

  it("an empty folder: no certificates, no errors, exit 0", async () => {
    const empty = join(root, "empty");
    mkdirSync(empty, { recursive: true });
    expect(await runCli(["inspect", empty])).toMatchObject({ code: 0, stdout: "No certificates found.\n" });
  });

  it("an empty folder, twenty times: the parser threads started early never end the process before its answer", async () => {
    // inspect's pool starts before the CLI loads and lets the process exit while idle; closing it must hold the
    // process until its workers stop, or Node ends it with exit code 13 (a top-level await left unsettled). The
    // race showed in about one run in seven.
    const empty = join(root, "empty-again");
    mkdirSync(empty, { recursive: true });
    const results = [];
    for (let i = 0; i < 20; i++) results.push(await runCli(["inspect", empty]));
    expect(results.map((r) => [r.code, r.stdout])).toEqual(
      Array.from({ length: 20 }, () => [0, "No certificates found.\n"]),
    );
  });
});
