import { type Asn1Block, childrenOf, eachChild, expectConstructed, isContext, Tag } from "./asn1.js";
import { type CertificateDer, certificateOf } from "./certificate.js";
import { ParseError } from "./parse-error.js";

/**
 * The certificates of a PKCS#7 SignedData bundle (.p7b/.p7c), in encoded order, each the element found in the
 * bundle (not decoded again). Any number: the list is walked one element at a time.
 */
export function pkcs7Certificates(contentInfo: Asn1Block): CertificateDer[] {
  const [, explicit] = expectConstructed(contentInfo, Tag.sequence, "PKCS#7 ContentInfo");
  if (!isContext(explicit, 0)) throw new ParseError("malformed", "PKCS#7 ContentInfo: no content");
  const signedData = expectConstructed(childrenOf(explicit)[0], Tag.sequence, "PKCS#7 SignedData");
  const set = signedData.find((field) => isContext(field, 0));
  if (!set) throw new ParseError("no_certificate", "PKCS#7 bundle holds no certificates");
  const certificates: CertificateDer[] = [];
  for (const block of eachChild(set)) {
    const certificate = certificateOf(block);
    if (!certificate)
      throw new ParseError("malformed", `PKCS#7 certificate ${certificates.length + 1} is broken`);
    certificates.push(certificate);
  }
  return certificates;
}
