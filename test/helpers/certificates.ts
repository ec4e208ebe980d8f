import "reflect-metadata";
import { execFileSync } from "node:child_process";
import { createHash, webcrypto } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const DAY_MS = 24 * 60 * 60 * 1000;
export const CODE_SIGNING = "1.3.6.1.5.5.7.3.3";
export const SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

/** A certificate made for a test, with the key that signed it (for PKCS#12 files). */
export interface TestCertificate {
  certificate: x509.X509Certificate;
  keys: webcrypto.CryptoKeyPair;
  der: Buffer;
  pem: string;
}

let serial = 0x100;

/** A CA (basicConstraints cA = true), self-signed. */
export async function makeCa(name = "C=US, O=Test Org, CN=Test Root CA"): Promise<TestCertificate> {
  const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, [
    "sign",
    "verify",
  ])) as webcrypto.CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: (serial++).toString(16),
    name,
    notBefore: new Date(Date.now() - DAY_MS),
    notAfter: new Date(Date.now() + 3650 * DAY_MS),
    keys: keys as unknown as CryptoKeyPairLike,
    signingAlgorithm: ALGORITHM,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true)],
  });
  return wrap(certificate, keys);
}

type CryptoKeyPairLike = Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]["keys"];

/** A leaf certificate issued by `ca`: code signing by default, valid for `days` (negative: already expired). */
export async function makeLeaf(
  ca: TestCertificate,
  options: { subject: string | x509.JsonName; days?: number; eku?: string[] | null; notAfter?: Date },
): Promise<TestCertificate> {
  const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, [
    "sign",
    "verify",
  ])) as webcrypto.CryptoKeyPair;
  const days = options.days ?? 365;
  const eku = options.eku === undefined ? [CODE_SIGNING] : options.eku;
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: (serial++).toString(16),
    subject: options.subject,
    issuer: ca.certificate.subject,
    notBefore: new Date(Date.now() - Math.max(1, -days + 1) * DAY_MS),
    notAfter: options.notAfter ?? new Date(Date.now() + days * DAY_MS),
    publicKey: keys.publicKey as unknown as CryptoKeyPairLike["publicKey"],
    signingKey: ca.keys.privateKey as unknown as CryptoKeyPairLike["privateKey"],
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      ...(eku ? [new x509.ExtendedKeyUsageExtension(eku)] : []),
    ],
  });
  return wrap(certificate, keys);
}

function wrap(certificate: x509.X509Certificate, keys: webcrypto.CryptoKeyPair): TestCertificate {
  return { certificate, keys, der: Buffer.from(certificate.rawData), pem: certificate.toString("pem") };
}

/** The lower-case hex SHA-256 of a certificate's DER (its identity in reports). */
export function sha256Of(certificate: TestCertificate): string {
  return createHash("sha256").update(certificate.der).digest("hex");
}

/** Writes a PKCS#12 with openssl (AES-256-CBC, OpenSSL 3's default), the password read from a file. */
export async function writePkcs12(path: string, leaf: TestCertificate, passwordFile: string): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), "pkcs12-"));
  const keyPath = join(scratch, "key.pem");
  const certPath = join(scratch, "cert.pem");
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", leaf.keys.privateKey)).toString(
    "base64",
  );
  writeFileSync(
    keyPath,
    `-----BEGIN PRIVATE KEY-----\n${pkcs8.match(/.{1,64}/g)!.join("\n")}\n-----END PRIVATE KEY-----\n`,
  );
  writeFileSync(certPath, leaf.pem);
  try {
    execFileSync("openssl", [
      "pkcs12",
      "-export",
      "-inkey",
      keyPath,
      "-in",
      certPath,
      "-out",
      path,
      "-passout",
      `file:${passwordFile}`,
    ]);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
