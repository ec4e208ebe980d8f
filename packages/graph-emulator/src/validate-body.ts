import { X509Certificate } from "node:crypto";
import { normaliseDateTimeOffset } from "@intune-codesign/graph-contract";
import { GraphErrorResponse } from "./graph-error-response.js";
import type { StoredObject } from "./types.js";

/** The `@odata.type` a body may carry. */
export const ENTITY_ODATA_TYPE = "#microsoft.graph.enterpriseCodeSigningCertificate";

/** The writable properties of a certificate, as a validated (and normalised) subset. */
export type CertificateFields = Partial<Omit<StoredObject, "id">>;

const STRING_PROPERTIES = ["subjectName", "subject", "issuerName", "issuer"] as const;
const DATE_PROPERTIES = ["expirationDateTime", "uploadDateTime"] as const;
const STATUSES = ["notProvisioned", "provisioned"] as const;
const STANDARD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Parses a JSON body into an object, rejecting malformed JSON and non-objects with 400. */
export function parseJsonObject(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badRequest("The request body is not valid JSON.");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw badRequest("The request body must be a JSON object.");
  }
  return value as Record<string, unknown>;
}

/**
 * Validates a body as strictly as Graph's schema; `required` lists the non-nullable properties POST must carry.
 * PATCH passes none: any subset is fine, but every property present must be valid.
 */
export function validateCertificateBody(
  body: Record<string, unknown>,
  required: ReadonlyArray<keyof CertificateFields>,
): CertificateFields {
  const fields: CertificateFields = {};
  for (const [name, value] of Object.entries(body)) {
    if (name === "@odata.type") {
      if (value !== ENTITY_ODATA_TYPE) {
        throw badRequest(
          `The property '@odata.type' must be '${ENTITY_ODATA_TYPE}', got ${JSON.stringify(value)}.`,
        );
      }
    } else if (name === "id") {
      throw badRequest("The property 'id' is read-only and cannot be set in a request body.");
    } else if (name === "content") {
      fields.content = validateContent(value);
    } else if (name === "status") {
      fields.status = validateStatus(value);
    } else if (isOneOf(name, STRING_PROPERTIES)) {
      if (value !== null && typeof value !== "string")
        throw badRequest(`The property '${name}' must be a string or null.`);
      fields[name] = value;
    } else if (isOneOf(name, DATE_PROPERTIES)) {
      fields[name] = validateDateTimeOffset(name, value);
    } else {
      throw badRequest(
        `The property '${name}' does not exist on type 'microsoft.graph.enterpriseCodeSigningCertificate'. Make sure to only use property names that are defined by the type.`,
      );
    }
  }
  for (const name of required) {
    if (fields[name] === undefined)
      throw badRequest(`The property '${name}' is required and cannot be null.`);
  }
  return fields;
}

function validateContent(value: unknown): string | null {
  if (value === null) return null;
  if (typeof value !== "string" || value.length === 0 || !STANDARD_BASE64.test(value)) {
    throw badRequest("The property 'content' must be standard base64 (Edm.Binary).");
  }
  const der = Buffer.from(value, "base64");
  // X509Certificate also accepts PEM text; only DER (an ASN.1 SEQUENCE) is what Intune stores.
  let parsed: X509Certificate | null = null;
  if (der[0] === 0x30) {
    try {
      parsed = new X509Certificate(der);
    } catch {
      parsed = null;
    }
  }
  if (!parsed?.raw.equals(der)) {
    throw badRequest("The property 'content' is not a DER-encoded X.509 certificate.");
  }
  return value;
}

function validateStatus(value: unknown): StoredObject["status"] {
  if (!isOneOf(value, STATUSES)) {
    throw badRequest(
      `The property 'status' must be one of ${STATUSES.join(", ")}, got ${JSON.stringify(value)}.`,
    );
  }
  return value;
}

function validateDateTimeOffset(name: string, value: unknown): string {
  const normalised = typeof value === "string" ? normaliseDateTimeOffset(value) : null;
  if (normalised === null) {
    throw badRequest(
      `The property '${name}' must be an ISO 8601 date-time with an offset (Edm.DateTimeOffset), got ${JSON.stringify(value)}.`,
    );
  }
  return normalised;
}

function isOneOf<T extends string>(value: unknown, options: readonly T[]): value is T {
  return typeof value === "string" && (options as readonly string[]).includes(value);
}

function badRequest(message: string): GraphErrorResponse {
  return new GraphErrorResponse(400, "BadRequest", message);
}
