import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateFixtures } from "@intune-codesign/testkit/fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseBytes } from "./parse-bytes.js";

let dir: string;
let cleanup: () => void;
beforeAll(() => {
  ({ dir, cleanup } = generateFixtures());
});
afterAll(() => cleanup());

const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
const NOW = new Date("2026-01-01T00:00:00Z");

describe("PKCS#7 bundles", () => {
  // Issue 17 row 8: asn1js stopped at 10,000 elements, so 244 or more certificates were `malformed`.
  it("reads a DER bundle of 300 certificates", () => {
    writeFileSync(join(dir, "many.pem"), readFileSync(join(dir, "leaf.pem"), "latin1").repeat(300));
    openssl("crl2pkcs7", "-nocrl", "-certfile", "many.pem", "-outform", "DER", "-out", "many.p7b");
    const file = parseBytes(readFileSync(join(dir, "many.p7b")), "many.p7b", { now: NOW });
    const leaf = readFileSync(join(dir, "leaf.der"));
    expect(file.format).toBe("pkcs7");
    expect(file.error).toBeNull();
    expect(file.certificates).toHaveLength(300);
    expect(file.certificates.every((c) => Buffer.from(c.der).equals(leaf))).toBe(true);
  });

  it("reads a streamed (indefinite-length BER) CMS signature's certificates", () => {
    openssl(
      "cms",
      "-sign",
      "-binary",
      "-stream",
      "-in",
      "notes.txt",
      "-signer",
      "leaf.pem",
      "-inkey",
      "leaf.key",
      "-certfile",
      "ca.pem",
      "-outform",
      "DER",
      "-out",
      "streamed.p7",
    );
    const bytes = readFileSync(join(dir, "streamed.p7"));
    expect(bytes.subarray(0, 2).toString("hex")).toBe("3080");
    const file = parseBytes(bytes, "streamed.p7", { now: NOW });
    expect(file.format).toBe("pkcs7");
    expect(file.error).toBeNull();
    // A signature names its signer; every other certificate in it is listed as skipped (issue 16).
    expect(file.certificates.map((c) => `${c.subjectName} [${c.upload ? "upload" : c.skipReason}]`)).toEqual([
      "Fixture Root CA [ca_certificate]",
      "Contoso Code Signing [upload]",
    ]);
    expect(Buffer.from(file.certificates[1]!.der).equals(readFileSync(join(dir, "leaf.der")))).toBe(true);
  });

  it("refuses a bundle whose certificate list is a million NULLs at the first, quickly", () => {
    const length = (n: number) => Buffer.from([0x84, n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
    const tlv = (tag: number, ...content: Buffer[]) => {
      const body = Buffer.concat(content);
      return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
    };
    const nulls = Buffer.alloc(2_000_000).fill(Buffer.from([0x05, 0x00]));
    const signedData = tlv(0x30, Buffer.from("020101", "hex"), tlv(0xa0, nulls));
    const bundle = tlv(0x30, Buffer.from("06092a864886f70d010702", "hex"), tlv(0xa0, signedData));
    const started = process.cpuUsage();
    const file = parseBytes(bundle, "nulls.p7b");
    const used = process.cpuUsage(started);
    expect(file.format).toBe("pkcs7");
    expect(file.error).toEqual({ code: "malformed", message: "PKCS#7 certificate 1 is broken" });
    expect((used.user + used.system) / 1000).toBeLessThan(1000);
  });
});
