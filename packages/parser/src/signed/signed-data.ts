import {
  type Asn1Block,
  childrenOf,
  contentOf,
  decodeBer,
  encodingOf,
  explicitOf,
  isContext,
  isUniversal,
  oidOf,
  Tag,
  TagClass,
} from "../asn1.js";
import { ParseError } from "../parse-error.js";
import { type CertificateRef, certificateRef, type SignerId } from "./certificate-ref.js";

/** One Authenticode signature: its SignerInfos' signers and every certificate it carries, by role. */
export interface Signature {
  /** 1-based, in file order; a nested signature follows the one it is nested in. */
  index: number;
  /** The index of the signature this one is nested in (unauthenticated attribute 1.3.6.1.4.1.311.2.4.1). */
  nestedIn: number | null;
  /** The content type of the signed content (SpcIndirectDataContent, a catalog's CTL, id-data). */
  contentType: string;
  /** The first SignerInfo's digest algorithm, e.g. `sha256` (dotted OID when unknown). */
  digestAlgorithm: string;
  /** The certificates set of the SignedData, in encoded order. */
  certificates: CertificateRef[];
  /** Whom the SignerInfos name as signer. */
  signers: SignerId[];
  /** Whom legacy countersignatures (timestamps) name; their certificates sit in `certificates`. */
  timestampSigners: SignerId[];
  /** The certificates of RFC 3161 timestamp tokens: the timestamping authority and its chain. */
  timestampCertificates: CertificateRef[];
}

const SIGNED_DATA = "1.2.840.113549.1.7.2";
const COUNTERSIGNATURE = "1.2.840.113549.1.9.6";
const RFC3161_TIMESTAMP = "1.3.6.1.4.1.311.3.3.1";
const NESTED_SIGNATURE = "1.3.6.1.4.1.311.2.4.1";
/** Nested signatures allowed in one artefact: real files hold two; a hostile one must not recurse without end. */
const MAX_SIGNATURES = 16;

const DIGESTS: ReadonlyMap<string, string> = new Map([
  ["1.2.840.113549.2.5", "md5"],
  ["1.3.14.3.2.26", "sha1"],
  ["2.16.840.1.101.3.4.2.1", "sha256"],
  ["2.16.840.1.101.3.4.2.2", "sha384"],
  ["2.16.840.1.101.3.4.2.3", "sha512"],
]);

function malformed(what: string): ParseError {
  return new ParseError("malformed", what);
}

/** The children of a SEQUENCE, a SET or a constructed tagged element. */
function children(block: Asn1Block | undefined, what: string): Asn1Block[] {
  const listLike =
    block?.constructed === true &&
    (block.tagClass !== TagClass.universal ||
      block.tagNumber === Tag.sequence ||
      block.tagNumber === Tag.set);
  if (!listLike) throw malformed(`${what}: unexpected ASN.1 structure`);
  return childrenOf(block);
}

/** A constructed `[tag]` element. */
function isTagged(block: Asn1Block | undefined, tag: number): block is Asn1Block {
  return isContext(block, tag) && block.constructed;
}

/** The content octets of a primitive element, or throws `malformed`. */
function content(block: Asn1Block | undefined, what: string): Uint8Array {
  if (block === undefined || block.constructed) throw malformed(`${what}: expected a value`);
  return contentOf(block);
}

/** A SignerInfo's sid: IssuerAndSerialNumber (version 1) or [0] SubjectKeyIdentifier (version 3). */
function signerId(block: Asn1Block | undefined): SignerId {
  if (isContext(block, 0)) {
    return { keyId: Buffer.from(content(block, "subjectKeyIdentifier")).toString("hex") };
  }
  const [issuer, serial] = children(block, "issuerAndSerialNumber");
  if (!issuer || !isUniversal(serial, Tag.integer))
    throw malformed("issuerAndSerialNumber: expected a Name and INTEGER");
  return {
    issuer: Buffer.from(encodingOf(issuer)).toString("hex"),
    serial: Buffer.from(content(serial, "serial")).toString("hex"),
  };
}

interface SignerInfoParts {
  sid: SignerId;
  digestAlgorithm: string;
  unsigned: { type: string; values: Asn1Block[] }[];
}

function signerInfo(block: Asn1Block | undefined): SignerInfoParts {
  const fields = children(block, "SignerInfo");
  const [, sid, digest] = fields;
  const digestOid = oidOf(children(digest, "digestAlgorithm")[0], "digestAlgorithm");
  const unsignedSet = fields.slice(3).find((field) => isTagged(field, 1));
  const unsigned = unsignedSet
    ? children(unsignedSet, "unsignedAttrs").map((attribute) => {
        const [type, values] = children(attribute, "attribute");
        return { type: oidOf(type, "attribute type"), values: children(values, "attribute values") };
      })
    : [];
  return { sid: signerId(sid), digestAlgorithm: DIGESTS.get(digestOid) ?? digestOid, unsigned };
}

/** The SignedData inside a ContentInfo element. */
function signedDataFields(contentInfo: Asn1Block | undefined): Asn1Block[] {
  const [type, explicit] = children(contentInfo, "ContentInfo");
  if (oidOf(type, "contentType") !== SIGNED_DATA) throw malformed("the ContentInfo is not a SignedData");
  if (!isTagged(explicit, 0)) throw malformed("the ContentInfo has no content");
  return children(explicitOf(explicit, 0), "SignedData");
}

function certificatesOf(fields: Asn1Block[]): CertificateRef[] {
  const set = fields.find((field) => isTagged(field, 0));
  return set ? childrenOf(set).map(certificateRef) : [];
}

function signaturesIn(der: Uint8Array, first: number): Signature[] {
  const root = decodeBer(der);
  if (root === null) throw malformed("not valid ASN.1");
  const signatures: Signature[] = [];
  const visit = (contentInfo: Asn1Block, nestedIn: number | null): void => {
    if (signatures.length >= MAX_SIGNATURES) throw malformed(`more than ${MAX_SIGNATURES} nested signatures`);
    const fields = signedDataFields(contentInfo);
    const encapsulated = children(fields[2], "encapContentInfo");
    const infos = children(fields.at(-1), "signerInfos").map(signerInfo);
    const signature: Signature = {
      index: first + signatures.length,
      nestedIn,
      contentType: oidOf(encapsulated[0], "encapContentInfo"),
      digestAlgorithm: infos[0]?.digestAlgorithm ?? "none",
      certificates: certificatesOf(fields),
      signers: infos.map((info) => info.sid),
      timestampSigners: [],
      timestampCertificates: [],
    };
    signatures.push(signature);
    const nested: Asn1Block[] = [];
    for (const attribute of infos.flatMap((info) => info.unsigned)) {
      if (attribute.type === COUNTERSIGNATURE)
        signature.timestampSigners.push(...attribute.values.map((value) => signerInfo(value).sid));
      else if (attribute.type === RFC3161_TIMESTAMP)
        for (const token of attribute.values)
          signature.timestampCertificates.push(...certificatesOf(signedDataFields(token)));
      else if (attribute.type === NESTED_SIGNATURE) nested.push(...attribute.values);
    }
    for (const inner of nested) visit(inner, signature.index);
  };
  visit(root, null);
  return signatures;
}

/**
 * Reads a DER ContentInfo holding an Authenticode (or catalog) SignedData, nested signatures included; indexes
 * start at `first` (an artefact may hold several).
 */
export function readSignatures(der: Uint8Array, first = 1): Signature[] {
  try {
    return signaturesIn(der, first);
  } catch (error) {
    throw error instanceof ParseError && error.code === "malformed"
      ? new ParseError("malformed", `signature: ${error.message}`)
      : error;
  }
}
