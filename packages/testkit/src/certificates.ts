import "reflect-metadata";
import { execFileSync } from "node:child_process";
import { createHash, webcrypto } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CertificateInfo } from "@intune-codesign/parser";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const DAY_MS = 24 * 60 * 60 * 1000;
export const CODE_SIGNING = "1.3.6.1.5.5.7.3.3";
export const SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

type KeyPair = webcrypto.CryptoKeyPair;
type GeneratorKeys = Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]["keys"];

/** A certificate made for a test, with the key that signed it (for PKCS#12 files). */
export interface TestCertificate {
  certificate: x509.X509Certificate;
  keys: KeyPair;
  der: Buffer;
  pem: string;
}

/** What a test may choose about a certificate; everything else gets a plausible default. */
export interface CertificateOptions {
  /** A string in RFC 4514 order (`CN=a, O=b`) or a JSON name in DER order (outermost RDN first). */
  subject: string | x509.JsonName;
  /** The CA that signs it; absent: self-signed. */
  issuer?: TestCertificate;
  /** The issuer name written into the certificate when it differs from the signer's (default: the signer's). */
  issuerName?: string | x509.JsonName;
  /** Valid for `days` from now (default 365; negative: already expired); `notBefore`/`notAfter` override. */
  days?: number;
  notBefore?: Date;
  notAfter?: Date;
  /** Extended key usages (default code signing); null: no EKU extension. */
  eku?: string[] | null;
  /** basicConstraints cA, critical; absent: no basicConstraints extension. */
  ca?: boolean;
  /** subjectAltName entries, e.g. `{ type: "ip", value: "127.0.0.1" }` for a TLS server. */
  altNames?: x509.JsonGeneralNames;
  /** Hex; default a fresh counter. */
  serialNumber?: string;
  /** The subject's key pair (default a fresh P-256 key); sharing one speeds up tests that need many. */
  keys?: KeyPair;
}

let serial = 0x100;

/** A fresh P-256 key pair, extractable so that it can go into a PKCS#12 file. */
export function makeKeys(): Promise<KeyPair> {
  return webcrypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"]) as Promise<KeyPair>;
}

/** The one certificate factory: any name, EKU, validity and issuer, signed with @peculiar/x509. */
export async function makeCertificate(options: CertificateOptions): Promise<TestCertificate> {
  const keys = options.keys ?? (await makeKeys());
  const days = options.days ?? 365;
  const name = (value: string | x509.JsonName) => (typeof value === "string" ? value : new x509.Name(value));
  const eku = options.eku === undefined ? [CODE_SIGNING] : options.eku;
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: options.serialNumber ?? (serial++).toString(16),
    subject: name(options.subject),
    issuer: name(options.issuerName ?? options.issuer?.certificate.subject ?? options.subject),
    notBefore: options.notBefore ?? new Date(Date.now() - Math.max(1, -days + 1) * DAY_MS),
    notAfter: options.notAfter ?? new Date(Date.now() + days * DAY_MS),
    publicKey: keys.publicKey as unknown as GeneratorKeys["publicKey"],
    signingKey: (options.issuer?.keys ?? keys).privateKey as unknown as GeneratorKeys["privateKey"],
    signingAlgorithm: ALGORITHM,
    extensions: [
      ...(options.ca === undefined ? [] : [new x509.BasicConstraintsExtension(options.ca, undefined, true)]),
      ...(eku ? [new x509.ExtendedKeyUsageExtension(eku)] : []),
      ...(options.altNames ? [new x509.SubjectAlternativeNameExtension(options.altNames)] : []),
    ],
  });
  return { certificate, keys, der: Buffer.from(certificate.rawData), pem: certificate.toString("pem") };
}

/** A CA (basicConstraints cA = true), self-signed, valid for ten years. */
export function makeCa(name = "C=US, O=Test Org, CN=Test Root CA"): Promise<TestCertificate> {
  return makeCertificate({ subject: name, ca: true, eku: null, days: 3650 });
}

/** A leaf certificate issued by `ca`: code signing by default, valid for `days` (negative: already expired). */
export function makeLeaf(
  ca: TestCertificate,
  options: { subject: string | x509.JsonName; days?: number; eku?: string[] | null; notAfter?: Date },
): Promise<TestCertificate> {
  return makeCertificate({ ...options, issuer: ca, ca: false });
}

let sharedKeys: Promise<KeyPair> | undefined;

/**
 * A real self-signed code-signing certificate, described as the parser would describe it (Windows X.500
 * subject, simple name, expiry without fractional seconds). One key serves every certificate.
 */
export async function makeCertificateInfo(
  commonName: string,
  notAfter = "2030-06-30T12:00:00Z",
): Promise<CertificateInfo> {
  sharedKeys ??= makeKeys();
  const subject = `CN=${commonName}, O=Contoso Test`;
  const { der } = await makeCertificate({
    subject,
    serialNumber: Buffer.from(commonName).toString("hex").slice(0, 30) || "01",
    notBefore: new Date("2025-01-01T00:00:00Z"),
    notAfter: new Date(notAfter),
    keys: await sharedKeys,
  });
  const hash = (algorithm: string) => createHash(algorithm).update(der).digest("hex");
  return {
    der: new Uint8Array(der),
    sha256: hash("sha256"),
    sha1: hash("sha1"),
    serialNumber: new x509.X509Certificate(der).serialNumber.toLowerCase(),
    subject,
    subjectName: commonName,
    issuer: subject,
    issuerName: commonName,
    notBefore: "2025-01-01T00:00:00Z",
    notAfter,
    isCA: false,
    keyUsage: [],
    extendedKeyUsage: [CODE_SIGNING],
    signatureAlgorithm: "ecdsa-with-SHA256",
    publicKeyAlgorithm: "id-ecPublicKey",
    publicKeySize: 256,
  };
}

/** The lower-case hex SHA-256 of a certificate's DER (its identity in reports). */
export function sha256Of(certificate: TestCertificate): string {
  return createHash("sha256").update(certificate.der).digest("hex");
}

/** A PKCS#7 certs-only bundle (.p7b, DER) of the given certificates. */
export function pkcs7Of(certificates: TestCertificate[]): Buffer {
  const bundle = new x509.X509Certificates(certificates.map((c) => c.certificate));
  return Buffer.from(bundle.export("raw"));
}

/** The certificate's private key as unencrypted PKCS#8 PEM. */
export async function privateKeyPem(certificate: TestCertificate): Promise<string> {
  const pkcs8 = await webcrypto.subtle.exportKey("pkcs8", certificate.keys.privateKey);
  return x509.PemConverter.encode(pkcs8, "PRIVATE KEY");
}

/** How openssl protects a PKCS#12 file; absent fields take OpenSSL 3's defaults (AES-256-CBC, SHA-256 MAC). */
export interface Pkcs12Protection {
  /** `-certpbe`, e.g. `PBE-SHA1-RC2-40` or `AES-128-CBC`; `NONE` leaves the certificates unencrypted. */
  certPbe?: string;
  /** `-keypbe`, e.g. `PBE-SHA1-3DES`. */
  keyPbe?: string;
  /** `-macalg`, e.g. `sha1`. */
  macAlg?: string;
  /** `-iter` for both the encryption and the MAC. */
  iterations?: number;
  /** `-legacy`: OpenSSL 1.x's RC2-40 and 3DES with a SHA-1 MAC. */
  legacy?: boolean;
  /** More certificates to include (`-certfile`), e.g. the CA. */
  chain?: TestCertificate[];
}

/** Writes a PKCS#12 with openssl, the password read from a file (never from a command line). */
export async function writePkcs12(
  path: string,
  leaf: TestCertificate,
  passwordFile: string,
  protection: Pkcs12Protection = {},
): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), "pkcs12-"));
  const keyPath = join(scratch, "key.pem");
  const certPath = join(scratch, "cert.pem");
  const chainPath = join(scratch, "chain.pem");
  writeFileSync(keyPath, await privateKeyPem(leaf));
  writeFileSync(certPath, leaf.pem);
  const args = ["pkcs12", "-export", "-inkey", keyPath, "-in", certPath, "-out", path];
  if (protection.chain?.length) {
    writeFileSync(chainPath, protection.chain.map((c) => c.pem).join("\n"));
    args.push("-certfile", chainPath);
  }
  if (protection.certPbe) args.push("-certpbe", protection.certPbe);
  if (protection.keyPbe) args.push("-keypbe", protection.keyPbe);
  if (protection.macAlg) args.push("-macalg", protection.macAlg);
  if (protection.iterations) args.push("-iter", String(protection.iterations));
  if (protection.legacy) args.push("-legacy");
  try {
    execFileSync("openssl", [...args, "-passout", `file:${passwordFile}`], { stdio: "pipe" });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
