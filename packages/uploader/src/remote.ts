import { parseDateTimeOffset } from "@intune-codesign/graph-contract";
import * as v from "valibot";
import type { CertificateBody } from "./body.js";
import { RemoteCertificateSchema } from "./graph-json.js";

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

/** Reads a Graph JSON object into a RemoteCertificate, or null when it has no string `id`. */
export function toRemoteCertificate(value: unknown): RemoteCertificate | null {
  const result = v.safeParse(RemoteCertificateSchema, value);
  return result.success ? result.output : null;
}
