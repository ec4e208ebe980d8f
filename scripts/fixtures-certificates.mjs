// Builds X.509 certificates in-process with the @peculiar/asn1-x509 models, for what the openssl CLI
// cannot express: chosen ASN.1 string types, raw attribute values, past or year-9999 validity.
import { createHash, createPublicKey, sign } from "node:crypto";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const requireFromParser = createRequire(join(root, "packages/parser/package.json"));
const { AsnConvert, AsnParser, OctetString } = requireFromParser("@peculiar/asn1-schema");
const x509 = requireFromParser("@peculiar/asn1-x509");

export const OIDS = {
  codeSigning: "1.3.6.1.5.5.7.3.3",
  serverAuth: "1.3.6.1.5.5.7.3.1",
  anyExtendedKeyUsage: "2.5.29.37.0",
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
};

/** A Name from RDNs of attributes `{ type, value }`, value being an AttributeValue choice ({ utf8String: … }). */
export function buildName(rdns) {
  return new x509.Name(
    rdns.map(
      (rdn) =>
        new x509.RelativeDistinguishedName(
          rdn.map(
            (a) => new x509.AttributeTypeAndValue({ type: a.type, value: new x509.AttributeValue(a.value) }),
          ),
        ),
    ),
  );
}

function extension(extnID, critical, value) {
  return new x509.Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

/**
 * Signs a certificate with an ECDSA issuer key. `eku` null omits the extension (`ekuCritical` marks it critical, as
 * a timestamping authority's must be); `isCA` sets basicConstraints; `subjectKeyId` adds a key identifier.
 */
export function buildCertificate({
  subject,
  issuer,
  publicKey,
  issuerKey,
  notBefore,
  notAfter,
  serial,
  isCA = false,
  eku,
  ekuCritical = false,
  subjectKeyId = false,
}) {
  const extensions = [extension(x509.id_ce_basicConstraints, true, new x509.BasicConstraints({ cA: isCA }))];
  extensions.push(
    extension(
      x509.id_ce_keyUsage,
      true,
      new x509.KeyUsage(
        isCA
          ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign
          : x509.KeyUsageFlags.digitalSignature,
      ),
    ),
  );
  if (eku) extensions.push(extension(x509.id_ce_extKeyUsage, ekuCritical, new x509.ExtendedKeyUsage(eku)));
  const spki = (publicKey.type === "public" ? publicKey : createPublicKey(publicKey)).export({
    type: "spki",
    format: "der",
  });
  if (subjectKeyId) {
    const id = createHash("sha1").update(spki).digest();
    extensions.push(extension(x509.id_ce_subjectKeyIdentifier, false, new x509.SubjectKeyIdentifier(id)));
  }
  const algorithm = new x509.AlgorithmIdentifier({ algorithm: OIDS.ecdsaWithSha256 });
  const tbsCertificate = new x509.TBSCertificate({
    version: x509.Version.v3,
    serialNumber: new Uint8Array(serial).buffer,
    signature: algorithm,
    issuer: buildName(issuer),
    validity: new x509.Validity({ notBefore, notAfter }),
    subject: buildName(subject),
    subjectPublicKeyInfo: AsnParser.parse(spki, x509.SubjectPublicKeyInfo),
    extensions: new x509.Extensions(extensions),
  });
  const signatureValue = sign("sha256", Buffer.from(AsnConvert.serialize(tbsCertificate)), issuerKey);
  const certificate = new x509.Certificate({ tbsCertificate, signatureAlgorithm: algorithm, signatureValue });
  return Buffer.from(AsnConvert.serialize(certificate));
}
