import * as v from "valibot";

/** A text field that Graph may omit or null: anything else reads as null, so one odd field never drops an object. */
const lenientText = v.fallback(v.nullable(v.string()), null);
/** An optional text field of an error body: a value of another type reads as absent. */
const optionalText = v.fallback(v.optional(v.string()), undefined);
const innerError = v.fallback(v.optional(v.object({ "request-id": optionalText })), undefined);

/** A certificate object as Graph returns it: only `id` is required; other fields are read leniently. */
export const RemoteCertificateSchema = v.object({
  id: v.string(),
  status: v.fallback(v.string(), ""),
  subjectName: lenientText,
  subject: lenientText,
  issuerName: lenientText,
  issuer: lenientText,
  expirationDateTime: lenientText,
  uploadDateTime: lenientText,
  content: lenientText,
});

/** A page of a collection: the items are checked one by one, so that one bad item is not the page's failure. */
export const ListPageSchema = v.object({
  value: v.array(v.unknown()),
  "@odata.nextLink": v.fallback(v.optional(v.string()), undefined),
});

/** Graph's error body; the spec says `innerError`, live responses say `innererror`. */
export const GraphErrorBodySchema = v.object({
  error: v.object({ code: optionalText, message: optionalText, innerError, innererror: innerError }),
});

/** Intune's JSON inside a Graph error `message`, which spells its text `Message` or `message`. */
export const IntuneMessageSchema = v.object({ Message: optionalText, message: optionalText });
