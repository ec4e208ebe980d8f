import { readFileSync } from "node:fs";
import { join } from "node:path";
import { FIXTURE_PASSWORD, generateFixtures } from "@intune-codesign/testkit/fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseFile } from "./parse-file.js";

let dir: string;
let cleanup: () => void;
beforeAll(() => {
  ({ dir, cleanup } = generateFixtures());
});
afterAll(() => cleanup());

// The CA in the PKCS#12 is chain material and is left out.
const OPENED = ["Contoso Code Signing [upload]"];
const PROTECTED = ["aes.p12", "3des.p12", "rc2.p12"];

describe("PKCS#12", () => {
  it.each([
    ["aes.p12", FIXTURE_PASSWORD, null, OPENED],
    ["3des.p12", FIXTURE_PASSWORD, null, OPENED],
    ["rc2.p12", FIXTURE_PASSWORD, null, OPENED],
    ["nopass-aes.p12", undefined, null, OPENED],
    ["nopass-legacy.p12", undefined, null, OPENED],
    ["nopass-aes.p12", "", null, OPENED],
    ["aes.p12", undefined, "password_required", []],
    ["rc2.p12", undefined, "password_required", []],
    ["aes.p12", "wrong", "bad_password", []],
    ["3des.p12", "wrong", "bad_password", []],
    ["rc2.p12", "wrong", "bad_password", []],
    ["huge-iterations.p12", FIXTURE_PASSWORD, "unsupported", []],
  ])("%s with password %j", async (name, password, code, certificates) => {
    const file = await parseFile(join(dir, name), { password });
    expect(file.format).toBe("pkcs12");
    expect(file.error?.code ?? null).toBe(code);
    expect(file.certificates.map((c) => `${c.subjectName} [${c.upload ? "upload" : c.skipReason}]`)).toEqual(
      certificates,
    );
  });

  it("names the refused iteration count", async () => {
    const file = await parseFile(join(dir, "huge-iterations.p12"), { password: FIXTURE_PASSWORD });
    expect(file.error?.message).toBe("MAC iteration count 20000000 exceeds 10000000");
  });

  it("lets no private key material into the result", async () => {
    const pkcs8 = readFileSync(join(dir, "key.der"));
    // The tail of a PKCS#8 RSA key holds the CRT parameters: secret bytes that must not appear anywhere.
    const secret = pkcs8.subarray(pkcs8.length - 64);
    for (const name of [...PROTECTED, "nopass-aes.p12", "nopass-legacy.p12"]) {
      const file = await parseFile(join(dir, name), { password: FIXTURE_PASSWORD });
      const json = JSON.stringify(file, (_, value) =>
        value instanceof Uint8Array ? Buffer.from(value).toString("hex") : value,
      );
      expect(json).not.toContain("PRIVATE KEY");
      expect(json).not.toContain(secret.toString("hex"));
      expect(json).not.toContain(secret.toString("base64").slice(0, 40));
      expect(json).not.toContain(FIXTURE_PASSWORD);
      expect(Object.keys(file).sort()).toEqual(["certificates", "error", "format", "path"]);
    }
  });
});
