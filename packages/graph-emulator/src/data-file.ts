import * as v from "valibot";
import type { StoredObject } from "./types.js";

const nullableString = v.nullable(v.string());

const StoredObjectSchema = v.strictObject({
  id: v.string(),
  status: v.picklist(["notProvisioned", "provisioned"]),
  subjectName: nullableString,
  subject: nullableString,
  issuerName: nullableString,
  issuer: nullableString,
  expirationDateTime: v.string(),
  uploadDateTime: v.string(),
  content: nullableString,
}) satisfies v.GenericSchema<unknown, StoredObject>;

const DataFileSchema = v.object({ objects: v.optional(v.array(StoredObjectSchema), []) });

/** The objects of a `--data` file, checked field by field: a hand-edited file must not poison the store. */
export function parseDataFile(text: string): StoredObject[] {
  const result = v.safeParse(DataFileSchema, JSON.parse(text));
  if (result.success) return result.output.objects;
  const [issue] = result.issues;
  const where = v.getDotPath(issue) ?? "the top level";
  throw new Error(`not an emulator data file: at ${where}, ${issue.message}`);
}
