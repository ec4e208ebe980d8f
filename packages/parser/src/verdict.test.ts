import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DecodedCertificate, decodeCertificateDer, readCertificate } from "./certificate.js";
import { judgeCertificates } from "./verdict.js";

let dir: string;
let certificate: DecodedCertificate;
let other: DecodedCertificate;

/** A self-signed RSA code-signing end-entity certificate made by openssl. */
function rsaCertificate(name: string): DecodedCertificate {
  const key = join(dir, `${name}.key`);
  const request = join(dir, `${name}.csr`);
  const cert = join(dir, `${name}.der`);
  const extensions = join(dir, "extensions");
  writeFileSync(extensions, "basicConstraints=CA:FALSE\nextendedKeyUsage=codeSigning\n");
  execFileSync("openssl", ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024", "-out", key]);
  execFileSync("openssl", ["req", "-new", "-key", key, "-subj", `/CN=${name}`, "-out", request]);
  execFileSync("openssl", [
    ...["x509", "-req", "-in", request, "-signkey", key, "-days", "30"],
    ...["-extfile", extensions, "-outform", "DER", "-out", cert],
  ]);
  return readCertificate(decodeCertificateDer(new Uint8Array(readFileSync(cert)))!);
}

/**
 * The same RSA key's SPKI with the rsaEncryption parameters left out instead of NULL (an encoding some issuers
 * choose): equal keys, unequal bytes.
 */
function withoutNullParameters(spki: Uint8Array): Uint8Array {
  const bytes = Buffer.from(spki);
  expect(bytes.subarray(0, 20).toString("hex")).toMatch(/^30819f300d06092a864886f70d0101010500/);
  const body = Buffer.concat([Buffer.from("300b06092a864886f70d010101", "hex"), bytes.subarray(18)]);
  return Buffer.concat([Buffer.from([0x30, 0x81, body.length]), body]);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "verdict-"));
  certificate = rsaCertificate("signer");
  other = rsaCertificate("other");
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("judgeCertificates: the certificates of a PKCS#12's keys", () => {
  it("matches a key whose SPKI bytes equal the certificate's", () => {
    const [entry] = judgeCertificates([certificate], [certificate.spki], new Date());
    expect(entry).toMatchObject({ upload: true, skipReason: null });
  });

  it("matches the same key encoded otherwise, through OpenSSL's re-encoding", () => {
    const [entry] = judgeCertificates(
      [certificate],
      [other.spki, withoutNullParameters(certificate.spki)],
      new Date(),
    );
    expect(entry).toMatchObject({ upload: true, skipReason: null });
  });

  it("skips a certificate whose key is not in the file", () => {
    const [entry] = judgeCertificates([certificate], [other.spki], new Date());
    expect(entry).toMatchObject({ upload: false, skipReason: "no_private_key" });
  });
});
