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

/** Builds the Graph body for one parsed certificate. */
export function buildBody(cert: BodySource, options: BodyOptions = {}): CertificateBody {
  return {
    "@odata.type": "#microsoft.graph.enterpriseCodeSigningCertificate",
    content: Buffer.from(cert.der.buffer, cert.der.byteOffset, cert.der.byteLength).toString("base64"),
    status: options.status ?? "provisioned",
    subjectName: options.fullDnNames ? cert.subject : cert.subjectName,
    subject: cert.subject,
    issuerName: options.fullDnNames ? cert.issuer : cert.issuerName,
    issuer: cert.issuer,
    expirationDateTime: cert.notAfter,
    uploadDateTime: (options.now ?? new Date()).toISOString(),
  };
}
