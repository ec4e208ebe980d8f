import { parseDateTimeOffset } from "@intune-codesign/graph-contract";
import type { CertificateBody } from "./body.js";

/** A certificate object as Graph returns it; Intune nulls `content` once processed, so never rely on it. */
export interface RemoteCertificate {
  id: string;
  status: string;
  subjectName: string | null;
  subject: string | null;
  issuerName: string | null;
  issuer: string | null;
  expirationDateTime: string | null;
  uploadDateTime: string | null;
  content: string | null;
}

/**
 * A DateTimeOffset as a key that is equal for equal instants (to 100 ns), whatever the offset: `<seconds>.<ticks>`;
 * a value that is not a DateTimeOffset keeps its text behind `!`, so it equals only itself; null stays null.
 */
export function instantKey(value: string | null): string | null {
  if (value === null) return null;
  const instant = parseDateTimeOffset(value);
  return instant === null ? `!${value}` : `${instant.epochSeconds}.${instant.ticks}`;
}

/** True when the remote object is this certificate: same subject, issuer and expiry instant. */
export function matchesCertificate(
  remote: RemoteCertificate,
  body: Pick<CertificateBody, "subject" | "issuer" | "expirationDateTime">,
): boolean {
  return (
    remote.subject === body.subject &&
    remote.issuer === body.issuer &&
    remote.expirationDateTime !== null &&
    instantKey(remote.expirationDateTime) === instantKey(body.expirationDateTime)
  );
}

function stringOrNull(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

/** Reads a Graph JSON object into a RemoteCertificate, or null when it has no string `id`. */
export function toRemoteCertificate(value: unknown): RemoteCertificate | null {
  if (typeof value !== "object" || value === null) return null;
  const o = value as Record<string, unknown>;
  if (typeof o.id !== "string") return null;
  return {
    id: o.id,
    status: typeof o.status === "string" ? o.status : "",
    subjectName: stringOrNull(o.subjectName),
    subject: stringOrNull(o.subject),
    issuerName: stringOrNull(o.issuerName),
    issuer: stringOrNull(o.issuer),
    expirationDateTime: stringOrNull(o.expirationDateTime),
    uploadDateTime: stringOrNull(o.uploadDateTime),
    content: stringOrNull(o.content),
  };
}
