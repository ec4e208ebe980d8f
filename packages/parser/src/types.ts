/** How a file's bytes were packaged, detected from its content (the extension is only a hint). */
export type ContainerFormat = "der" | "pem" | "base64" | "pkcs7" | "pkcs12" | SignedArtefactFormat;

/** Signed app artefacts whose signature the signer certificate is taken from (see README, "Point it at your app packages"). */
export type SignedArtefactFormat = "pe" | "msi" | "msix" | "cab" | "catalog" | "script";

/** Every code a file's error can carry (the documented set; reports and troubleshooting list these). */
export const PARSE_ERROR_CODES = [
  "empty_file",
  "too_large",
  "unreadable",
  "no_certificate",
  "malformed",
  "bad_password",
  "password_required",
  "unsupported",
] as const;

/** Why a file yielded no usable certificates. These exact strings appear in JSON output and reports. */
export type ParseErrorCode = (typeof PARSE_ERROR_CODES)[number];

/** Every reason a certificate can be skipped for. */
export const SKIP_REASONS = [
  "ca_certificate",
  "not_code_signing",
  "expired",
  "duplicate",
  "no_private_key",
  "not_signer",
] as const;

/**
 * Why a certificate found in a file is not uploaded. `duplicate` is decided across files;
 * `no_private_key` marks a non-CA certificate in a PKCS#12 whose private key belongs to another one; `not_signer` a
 * non-CA certificate carried in an artefact's signature that no SignerInfo names as the signer.
 */
export type SkipReason = (typeof SKIP_REASONS)[number];

/** Everything derived from one X.509 certificate. The fields named as in Graph become the PATCH body. */
export interface CertificateInfo {
  /** The certificate's DER encoding (what Graph's `content` carries, base64-encoded). */
  der: Uint8Array;
  /** Lower-case hex SHA-256 of the DER: the certificate's identity everywhere in this project. */
  sha256: string;
  /** Lower-case hex SHA-1 of the DER (Windows' "thumbprint"). */
  sha1: string;
  /** Lower-case hex serial number, as encoded (leading zero bytes kept out). */
  serialNumber: string;
  /** Windows X.500 rendering of the subject DN, most specific RDN first. */
  subject: string;
  /** The subject's simple name (first CN, else OU, O, E, else the whole rendered DN). */
  subjectName: string;
  issuer: string;
  issuerName: string;
  /** ISO 8601 UTC without fractional seconds, e.g. `2027-11-29T22:38:25Z`. */
  notBefore: string;
  notAfter: string;
  /** basicConstraints cA = true. */
  isCA: boolean;
  /** keyUsage bit names (digitalSignature, nonRepudiation, keyEncipherment, …), empty when absent. */
  keyUsage: string[];
  /** EKU OIDs in encoded order, or null when the extension is absent. */
  extendedKeyUsage: string[] | null;
  /** Signature algorithm, e.g. `sha256WithRSAEncryption` (dotted OID when unknown). */
  signatureAlgorithm: string;
  /** Public key algorithm, e.g. `rsaEncryption`, `id-ecPublicKey` (dotted OID when unknown). */
  publicKeyAlgorithm: string;
  /** Key size in bits (RSA modulus bits, EC curve bits), or null when unknown. */
  publicKeySize: number | null;
}

/** A certificate as found in a file, with the verdict on whether it is uploaded. */
export interface CertificateEntry extends CertificateInfo {
  upload: boolean;
  skipReason: SkipReason | null;
  /** Which signature of a signed artefact it came from; absent for certificate files. */
  signature?: SignatureSource | undefined;
}

/** Where in a signed artefact's signatures a certificate was found. */
export interface SignatureSource {
  /** 1-based, in file order (each WIN_CERTIFICATE, then nested signatures after the one holding them). */
  index: number;
  /** The signature this one is nested in (dual signing), or null. */
  nestedIn: number | null;
  /** `signer`: named by a SignerInfo; `timestamp`: the timestamping authority's; `chain`: any other. */
  role: "signer" | "timestamp" | "chain";
  /** The SignerInfo's digest algorithm, e.g. `sha256`. */
  digestAlgorithm: string;
  /** True when that digest is SHA-1, which Windows no longer accepts for new signatures. */
  sha1Digest: boolean;
  /** MSIX/APPX signers only: whether the subject equals the manifest's Publisher, as Windows requires. */
  publisherMatch?: boolean | undefined;
}

/** A typed error as it appears in JSON output: never a stack trace, never a secret. */
export interface ParseErrorInfo {
  code: ParseErrorCode;
  message: string;
}

/** The outcome of reading one file. A file may yield certificates and an error (a PEM bundle with one broken block). */
export interface ParsedFile {
  path: string;
  format: ContainerFormat | null;
  error: ParseErrorInfo | null;
  certificates: CertificateEntry[];
  /** Present only when the file was read but its integrity was not verified (some PKCS#12 files). */
  warning?: string;
}

/** PKCS#12 passwords to try in order (from files or the environment, never argv); undefined means none given. */
export type PfxPasswords = string | readonly string[] | undefined;

export interface ParseOptions {
  /** PKCS#12 password, or passwords tried in order; the empty and absent passwords are always tried after them. */
  password?: PfxPasswords;
  /** Files larger than this are `too_large`. Default 10 MiB. */
  maxFileSize?: number | undefined;
  /** The same limit for signed artefacts (PE, MSI, MSIX, CAB), of which only the signature is read. Default 8 GiB. */
  maxSignedFileSize?: number | undefined;
  /** The instant against which `expired` is judged. Default: now. */
  now?: Date | undefined;
}

/** A path as text, or as the bytes the file system uses (file names need not be valid UTF-8). */
export type FilePath = string | Uint8Array;
