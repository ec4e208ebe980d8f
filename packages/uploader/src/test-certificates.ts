import "reflect-metadata";
import { webcrypto } from "node:crypto";
import type { CertificateInfo } from "@intune-codesign/parser";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
let keys: Promise<webcrypto.CryptoKeyPair> | undefined;

/**
 * Test support: a real self-signed code-signing certificate, described as the parser would describe it
 * (Windows X.500 subject, simple name, expiry without fractional seconds). One key serves every certificate.
 */
export async function makeCertificate(
  commonName: string,
  notAfter = "2030-06-30T12:00:00Z",
): Promise<CertificateInfo> {
  keys ??= webcrypto.subtle.generateKey(ALGORITHM, true, [
    "sign",
    "verify",
  ]) as Promise<webcrypto.CryptoKeyPair>;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(commonName).toString("hex").slice(0, 30) || "01",
    name: `CN=${commonName}, O=Contoso Test`,
    notBefore: new Date("2025-01-01T00:00:00Z"),
    notAfter: new Date(notAfter),
    keys: await keys,
    signingAlgorithm: ALGORITHM,
    extensions: [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.codeSigning])],
  });
  const der = new Uint8Array(cert.rawData);
  const hash = (name: string) =>
    webcrypto.subtle.digest(name, der).then((d) => Buffer.from(d).toString("hex"));
  const subject = `CN=${commonName}, O=Contoso Test`;
  return {
    der,
    sha256: await hash("SHA-256"),
    sha1: await hash("SHA-1"),
    serialNumber: cert.serialNumber.toLowerCase(),
    subject,
    subjectName: commonName,
    issuer: subject,
    issuerName: commonName,
    notBefore: "2025-01-01T00:00:00Z",
    notAfter,
    isCA: false,
    keyUsage: [],
    extendedKeyUsage: ["1.3.6.1.5.5.7.3.3"],
    signatureAlgorithm: "ecdsa-with-SHA256",
    publicKeyAlgorithm: "id-ecPublicKey",
    publicKeySize: 256,
  };
}
