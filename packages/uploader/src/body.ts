import type { CertificateInfo } from "@intune-codesign/parser";

/** Graph's certificateStatus values. */
export type CertificateStatus = "notProvisioned" | "provisioned";

/** The full create/update body: exactly these nine keys, in this order; never `id`, never a private key. */
export interface CertificateBody {
  "@odata.type": "#microsoft.graph.enterpriseCodeSigningCertificate";
  content: string;
  status: CertificateStatus;
  subjectName: string;
  subject: string;
  issuerName: string;
  issuer: string;
  expirationDateTime: string;
  uploadDateTime: string;
}

/** Choices a tenant may need; all optional. */
export interface BodyOptions {
  /** Default `provisioned`: the console marks a validly uploaded certificate provisioned. */
  status?: CertificateStatus;
  /** Put the full rendered DN into `subjectName`/`issuerName`, for tenants that expect it. */
  fullDnNames?: boolean;
  /** The upload time to record; default now. */
  now?: Date;
}

/** What a body is built from: a parsed certificate, or the part of it a caller kept. */
export type BodySource = Pick<
  CertificateInfo,
  "der" | "subject" | "subjectName" | "issuer" | "issuerName" | "notAfter"
>;

/** The fields that say what a body writes: everything but the content (implied by the DER) and the upload time. */
export type BodyFields = Pick<
  CertificateBody,
  "status" | "subjectName" | "subject" | "issuerName" | "issuer" | "expirationDateTime"
>;

/** The body's descriptive fields, in body order (callers compare them with what the tenant shows). */
export function bodyFields(cert: Omit<BodySource, "der">, options: BodyOptions = {}): BodyFields {
  return {
    status: options.status ?? "provisioned",
    subjectName: options.fullDnNames ? cert.subject : cert.subjectName,
    subject: cert.subject,
    issuerName: options.fullDnNames ? cert.issuer : cert.issuerName,
    issuer: cert.issuer,
    expirationDateTime: cert.notAfter,
  };
}

/** Builds the Graph body for one parsed certificate. */
export function buildBody(cert: BodySource, options: BodyOptions = {}): CertificateBody {
  return {
    "@odata.type": "#microsoft.graph.enterpriseCodeSigningCertificate",
    content: Buffer.from(cert.der.buffer, cert.der.byteOffset, cert.der.byteLength).toString("base64"),
    ...bodyFields(cert, options),
    uploadDateTime: (options.now ?? new Date()).toISOString(),
  };
}
