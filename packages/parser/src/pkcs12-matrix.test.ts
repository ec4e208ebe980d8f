import { createDecipheriv } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FIXTURE_PASSWORD, generateFixtures } from "@intune-codesign/testkit/fixtures";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type * as Parser from "./index.js";
import { NATIVE_SWITCH } from "./native-hash.js";
import { parseFile as parseInThisThread } from "./parse-file.js";

// Workers run the built JavaScript (dist), as the CLI does; `pnpm test` builds first.
const built = new URL("../dist/index.js", import.meta.url).href;

interface MatrixCase {
  file: string;
  password: string;
  certificates: string[];
  wrong: "bad_password" | "opens";
  origin: "openssl" | "node";
  warning?: string;
}

let dir: string;
let cleanup: () => void;
let cases: MatrixCase[];
let pool: Parser.ParserPool;
beforeAll(async () => {
  ({ dir, cleanup } = generateFixtures());
  cases = JSON.parse(readFileSync(join(dir, "pkcs12", "matrix.json"), "utf8"));
  pool = ((await import(built)) as typeof Parser).createParserPool({ threads: 2 });
});
afterAll(async () => {
  await pool.close();
  cleanup();
});

const parse = (name: string, password?: Parser.PfxPasswords, using = pool) =>
  using.parseFile(join(dir, "pkcs12", name), { password, now: new Date("2026-01-01T00:00:00Z") });

/** Whether this process has the iterated-hash addon loaded (a pool's worker threads share its address space). */
const addonMapped = () => readFileSync("/proc/self/maps", "utf8").includes("/iterated_hash.node");

it("covers every algorithm OpenSSL writes and those built from node:crypto", () => {
  const files = cases.map((c) => c.file);
  expect(files.filter((f) => f.startsWith("pbe-"))).toHaveLength(31);
  expect(files.filter((f) => f.startsWith("mac-"))).toHaveLength(16);
  expect(files.filter((f) => f.startsWith("prf-"))).toHaveLength(13);
  expect(files).toEqual(
    expect.arrayContaining(["scrypt.p12", "idea.p12", "pbmac1.p12", "ber-indefinite.p12"]),
  );
});

// The JavaScript run comes first: once a worker has loaded the addon, it stays mapped in this process.
describe.each([
  { mode: "JavaScript", value: "off", native: false },
  { mode: "native", value: undefined, native: true },
])("the PKCS#12 algorithm matrix, $mode key derivation", ({ value, native }) => {
  let modePool: Parser.ParserPool;
  beforeAll(async () => {
    // Workers and the legacy child take this process's environment when they start, within this block.
    vi.stubEnv(NATIVE_SWITCH, value);
    modePool = ((await import(built)) as typeof Parser).createParserPool({ threads: 2 });
  });
  afterAll(async () => {
    await modePool.close();
    vi.unstubAllEnvs();
  });

  it("opens every case with its password and yields the certificate OpenSSL (or the generator) names", async () => {
    const results = await Promise.all(cases.map((c) => parse(c.file, c.password, modePool)));
    const seen = results.map((file, i) => ({
      file: cases[i]!.file,
      error: file.error,
      certificates: file.certificates.map((c) => c.sha256),
      warning: file.warning ?? null,
    }));
    expect(seen).toEqual(
      cases.map((c) => ({
        file: c.file,
        error: null,
        certificates: c.certificates,
        warning: c.warning ?? null,
      })),
    );
  });

  it("says bad_password for every case with a wrong password (unless nothing is protected)", async () => {
    const results = await Promise.all(cases.map((c) => parse(c.file, "not-the-password", modePool)));
    expect(results.map((file, i) => ({ file: cases[i]!.file, code: file.error?.code ?? "opens" }))).toEqual(
      cases.map((c) => ({ file: c.file, code: c.wrong })),
    );
  });

  it(`derived the keys ${native ? "in the addon" : "without loading the addon"}`, () => {
    expect(addonMapped()).toBe(native);
  });
});

it("keeps OpenSSL's legacy provider out of this process (only the parser's child process loads it)", () => {
  expect(() => createDecipheriv("rc2-cbc", Buffer.alloc(16), Buffer.alloc(8))).toThrow(/unsupported/);
});

describe("legacy algorithms without OpenSSL's legacy provider", () => {
  it("come from pure JavaScript in a thread that has no child process to turn to (RC2, DES, RC4)", async () => {
    const files = [
      "pbe-PBE-SHA1-RC4-128.p12",
      "pbe-PBE-SHA1-RC4-40.p12",
      "pbe-PBE-SHA1-RC2-128.p12",
      "pbe-PBE-SHA1-RC2-40.p12",
      "pbe-PBE-MD5-DES.p12",
      "pbe-PBE-SHA1-DES.p12",
      "pbe-PBE-MD5-RC2-64.p12",
      "pbe-PBE-SHA1-RC2-64.p12",
      "pbe-des-cbc.p12",
      "pbe-rc2-cbc.p12",
      "pbe-rc2-40-cbc.p12",
      "pbe-rc2-64-cbc.p12",
    ];
    const pureJs = cases.filter((c) => files.includes(c.file));
    expect(pureJs).toHaveLength(files.length);
    for (const c of pureJs) {
      const right = await parseInThisThread(join(dir, "pkcs12", c.file), { password: c.password });
      const wrong = await parseInThisThread(join(dir, "pkcs12", c.file), { password: "not-the-password" });
      expect([c.file, right.error, right.certificates.map((x) => x.sha256), wrong.error?.code]).toEqual([
        c.file,
        null,
        c.certificates,
        "bad_password",
      ]);
    }
  });
});

describe("PKCS#12 passwords", () => {
  it("tries a list of passwords in order, then the empty and absent ones", async () => {
    const listed = await parse("pbe-aes-256-cbc.p12", ["first-wrong", FIXTURE_PASSWORD]);
    expect([listed.error, listed.certificates.length]).toEqual([null, 1]);
    const emptyPassword = await pool.parseFile(join(dir, "nopass-aes.p12"), { password: [FIXTURE_PASSWORD] });
    expect([emptyPassword.error, emptyPassword.certificates.length]).toEqual([null, 1]);
  });

  it("opens an OpenSSL 1.0.x file whose non-ASCII password was written as UTF-8 bytes", async () => {
    const file = await parse("openssl10-utf8-password.p12", "pässwörd-✓");
    expect([file.error, file.certificates.length]).toEqual([null, 1]);
  });

  it("reads unencrypted certificates without a password, saying the MAC was not verified", async () => {
    const file = await parse("certs-unencrypted.p12");
    expect(file.error).toBeNull();
    expect(file.warning).toBe(
      "integrity not verified: no password given for the MAC; only unencrypted certificates read",
    );
    // Without the key, the CA is chain material and the leaf the only candidate.
    expect(file.certificates.map((c) => `${c.subjectName} ${c.skipReason ?? "upload"}`)).toEqual([
      "Contoso Code Signing upload",
    ]);
  });

  it("asks for a password when nothing can be read without one", async () => {
    const file = await parse("pbe-aes-256-cbc.p12");
    expect(file.error?.code).toBe("password_required");
  });
});

describe("PKCS#12 algorithms that cannot run", () => {
  it("are unsupported, naming the algorithm, never bad_password", async () => {
    // aes-256-cbc's OID (…4.1.42) becomes aes-256-gcm's (…4.1.46), which PBES2 does not define.
    const bytes = readFileSync(join(dir, "pkcs12", "nomac.p12"));
    const at = bytes.indexOf(Buffer.from("060960864801650304012a", "hex"));
    expect(at).toBeGreaterThan(0);
    bytes[at + 10] = 0x2e;
    writeFileSync(join(dir, "pkcs12", "unknown-cipher.p12"), bytes);
    const file = await parse("unknown-cipher.p12", FIXTURE_PASSWORD);
    expect(file.error).toEqual({
      code: "unsupported",
      message: "PBES2 encryption scheme 2.16.840.1.101.3.4.1.46 is not supported",
    });
  });
});
