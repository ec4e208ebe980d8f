import { type ContainerFormat, PARSE_ERROR_CODES, SKIP_REASONS } from "@intune-codesign/parser";
import type { CertificateStatus } from "@intune-codesign/uploader";
import * as v from "valibot";
import type { SentFields } from "../plan.js";
import { StateStoreError } from "./state-path.js";

/** Every container format, by the type, so that one added to the parser must be added here too. */
const FORMATS: { [F in ContainerFormat]: F } = {
  der: "der",
  pem: "pem",
  base64: "base64",
  pkcs7: "pkcs7",
  pkcs12: "pkcs12",
  pe: "pe",
  msi: "msi",
  msix: "msix",
  cab: "cab",
  catalog: "catalog",
  script: "script",
};

/** A `certificates` row as `sent` reads it (raw: columns in order). */
export const SentRowSchema = v.tuple([
  v.string(),
  v.string(),
  v.string(),
  v.nullable(v.string()),
  v.string(),
]);

/** A `certificates` row as `managed` reads it: the sent columns, then the certificate's SHA-256. */
export const ManagedRowSchema = v.tuple([...SentRowSchema.items, v.string()]);

/** `PRAGMA table_info`: only the column names are read. */
export const TableInfoSchema = v.array(v.object({ name: v.string() }));

/** A `files` row as the cache scan reads it (raw: columns in order). */
export const CacheRowSchema = v.tuple([
  v.instance(Buffer),
  v.number(),
  v.number(),
  v.number(),
  v.number(),
  v.string(),
  v.nullable(v.enum(FORMATS)),
  v.nullable(v.picklist(PARSE_ERROR_CODES)),
  v.nullable(v.string()),
  v.string(),
]);

/** The certificates of a cached file, the JSON in `files.certificates`. */
export const CertificateRowsSchema = v.array(
  v.object({
    sha256: v.string(),
    subject: v.string(),
    subjectName: v.string(),
    issuer: v.string(),
    issuerName: v.string(),
    notAfter: v.string(),
    skipReason: v.nullable(v.picklist(SKIP_REASONS)),
    signature: v.optional(
      v.object({
        index: v.number(),
        nestedIn: v.nullable(v.number()),
        role: v.picklist(["signer", "timestamp", "chain"]),
        digestAlgorithm: v.string(),
        sha1Digest: v.boolean(),
        publisherMatch: v.optional(v.boolean()),
      }),
    ),
    warning: v.optional(v.string()),
  }),
);

/** The fields a write sent (`certificates.sent_fields`, JSON), as serializeFields wrote them. */
const SentFieldsSchema = v.object({
  status: v.picklist(["notProvisioned", "provisioned"] as const satisfies readonly CertificateStatus[]),
  subjectName: v.string(),
  subject: v.string(),
  issuerName: v.string(),
  issuer: v.string(),
  expirationDateTime: v.string(),
});

/** The fields a write sent, read back from the store; damaged JSON is a StateStoreError that says so. */
export function sentFields(json: string): SentFields {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    throw new StateStoreError("the state store has a certificates row whose sent fields are not JSON");
  }
  const checked = v.safeParse(SentFieldsSchema, data);
  if (checked.success) return checked.output;
  throw new StateStoreError(
    `the state store has a certificates row with malformed sent fields: ${issueWords(checked.issues)}`,
  );
}

/** A failed check in one line (a log line or an error message): its first issue and where. */
export function issueWords(issues: [v.BaseIssue<unknown>, ...v.BaseIssue<unknown>[]]): string {
  const [first] = issues;
  const path = v.getDotPath(first);
  return path === null ? first.message : `${first.message} at ${path}`;
}
