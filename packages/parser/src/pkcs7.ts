import { type Asn1Block, childrenOf, encodingOf, expectConstructed, isContext, Tag } from "./asn1.js";
import { type CertificateDer, decodeCertificateDer } from "./certificate.js";
import { ParseError } from "./parse-error.js";

/** The certificate elements of a PKCS#7 SignedData bundle (.p7b/.p7c), in encoded order. */
export function pkcs7Certificates(contentInfo: Asn1Block): CertificateDer[] {
  const [, explicit] = expectConstructed(contentInfo, Tag.sequence, "PKCS#7 ContentInfo");
  if (!isContext(explicit, 0)) throw new ParseError("malformed", "PKCS#7 ContentInfo: no content");
  const signedData = expectConstructed(childrenOf(explicit)[0], Tag.sequence, "PKCS#7 SignedData");
  const certificates = signedData.find((field) => isContext(field, 0));
  if (!certificates) throw new ParseError("no_certificate", "PKCS#7 bundle holds no certificates");
  return childrenOf(certificates).map((block, i) => {
    const certificate = decodeCertificateDer(encodingOf(block));
    if (!certificate) throw new ParseError("malformed", `PKCS#7 certificate ${i + 1} is broken`);
    return certificate;
  });
}
