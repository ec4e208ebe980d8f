import "reflect-metadata";
import { webcrypto } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as x509 from "@peculiar/x509";
import forge from "node-forge";

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const RSA = {
  name: "RSASSA-PKCS1-v1_5",
  hash: "SHA-256",
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
};
const DAY_MS = 24 * 60 * 60 * 1000;
const CODE_SIGNING = "1.3.6.1.5.5.7.3.3";
const SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

/** What the demo expects the upload to make of each sample file. */
export interface Sample {
  file: string;
  expect: "created" | "skipped" | "failed";
  why: string;
}

/** The PKCS#12 sample's password, written to a file beside the samples (never passed on a command line). */
export const DEMO_PFX_PASSWORD = "demo-pfx-password";

/**
 * Names are given in encoded order (country first), as CAs issue them, so that Windows' rendering puts CN first.
 * Writes a small set of sample certificate files: good code-signing certificates in each container, one expired,
 * one for TLS rather than code signing, and one broken file. Keys are generated fresh for each demo.
 */
export async function writeSamples(folder: string, now = new Date()): Promise<Sample[]> {
  mkdirSync(folder, { recursive: true });
  const caKeys = await webcrypto.subtle.generateKey(RSA, true, ["sign", "verify"]);
  const leafKeys = await webcrypto.subtle.generateKey(RSA, true, ["sign", "verify"]);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "01",
    name: "C=US, O=Contoso Ltd, CN=Contoso Demo Root CA",
    notBefore: new Date(now.getTime() - DAY_MS),
    notAfter: new Date(now.getTime() + 3650 * DAY_MS),
    keys: caKeys,
    signingAlgorithm: RSA,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true)],
  });
  let serial = 16;
  const leaf = (name: string, days: number, eku: string, startDaysAgo = 1) =>
    x509.X509CertificateGenerator.create({
      serialNumber: (serial++).toString(16).padStart(2, "0"),
      subject: name,
      issuer: ca.subject,
      notBefore: new Date(now.getTime() - startDaysAgo * DAY_MS),
      notAfter: new Date(now.getTime() + days * DAY_MS),
      publicKey: leafKeys.publicKey,
      signingKey: caKeys.privateKey,
      signingAlgorithm: RSA,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([eku]),
      ],
    });

  const der = await leaf(
    'C=US, ST=Washington, L=Redmond, O="Contoso, Ltd", OU=Dev, CN=Contoso Code Signing',
    365,
    CODE_SIGNING,
  );
  const pem = await leaf("C=US, O=Fabrikam Inc, CN=Fabrikam Release Signing", 400, CODE_SIGNING);
  const base64 = await leaf("C=GB, O=Tailspin Toys, CN=Tailspin Toys Code Signing", 500, CODE_SIGNING);
  const pkcs7 = await leaf("C=US, O=Northwind Traders, CN=Northwind Traders Signing", 600, CODE_SIGNING);
  const pkcs12 = await leaf("C=US, O=Woodgrove Bank, CN=Woodgrove Bank LOB Signing", 700, CODE_SIGNING);
  const soon = await leaf("C=US, O=Litware Inc, CN=Litware Code Signing", 12, CODE_SIGNING);
  const expired = await leaf("C=US, O=Contoso Ltd, CN=Old Contoso Signing 2019", -30, CODE_SIGNING, 400);
  const tls = await leaf("C=US, O=Contoso Ltd, CN=intranet.contoso.com", 365, SERVER_AUTH);

  const write = (file: string, content: string | Uint8Array | ArrayBuffer) =>
    writeFileSync(join(folder, file), content instanceof ArrayBuffer ? new Uint8Array(content) : content);
  write("contoso-code-signing.cer", der.rawData);
  write("fabrikam-release-signing.pem", `${pem.toString("pem")}\n${ca.toString("pem")}\n`);
  write("tailspin-code-signing.b64", `${Buffer.from(base64.rawData).toString("base64")}\n`);
  write("northwind-signing.p7b", new x509.X509Certificates([pkcs7, ca]).export("raw"));
  write("woodgrove-lob-signing.pfx", await pkcs12File(pkcs12, ca, leafKeys.privateKey));
  write("pfx-password.txt", `${DEMO_PFX_PASSWORD}\n`);
  write("litware-code-signing.crt", soon.toString("pem"));
  write("old-contoso-signing-2019.cer", expired.rawData);
  write("intranet-tls.pem", tls.toString("pem"));
  write("broken.pem", "-----BEGIN CERTIFICATE-----\nMIIB!!this is not base64!!\n-----END CERTIFICATE-----\n");

  return [
    { file: "broken.pem", expect: "failed", why: "corrupt base64 inside PEM armour (malformed)" },
    { file: "contoso-code-signing.cer", expect: "created", why: "DER" },
    {
      file: "fabrikam-release-signing.pem",
      expect: "created",
      why: "PEM with its CA (the CA is chain material)",
    },
    { file: "intranet-tls.pem", expect: "skipped", why: "a TLS certificate (not_code_signing)" },
    { file: "litware-code-signing.crt", expect: "created", why: "PEM, expires within 30 days (warned)" },
    { file: "northwind-signing.p7b", expect: "created", why: "PKCS#7 bundle" },
    { file: "old-contoso-signing-2019.cer", expect: "skipped", why: "expired" },
    { file: "tailspin-code-signing.b64", expect: "created", why: "bare base64 of the DER" },
    { file: "woodgrove-lob-signing.pfx", expect: "created", why: "PKCS#12 (AES-256), password from a file" },
  ];
}

/** A PKCS#12 with AES-256 encryption, as OpenSSL 3 and Windows export by default. */
async function pkcs12File(
  certificate: x509.X509Certificate,
  ca: x509.X509Certificate,
  key: webcrypto.CryptoKey,
): Promise<Uint8Array> {
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", key)).toString("base64");
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.match(/.{1,64}/g)!.join("\n")}\n-----END PRIVATE KEY-----\n`;
  const asn1 = forge.pkcs12.toPkcs12Asn1(
    forge.pki.privateKeyFromPem(keyPem),
    [
      forge.pki.certificateFromPem(certificate.toString("pem")),
      forge.pki.certificateFromPem(ca.toString("pem")),
    ],
    DEMO_PFX_PASSWORD,
    { algorithm: "aes256" },
  );
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), "binary");
}
