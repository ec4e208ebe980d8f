import { GraphErrorResponse } from "./graph-error-response.js";
import { compileFilter, type Predicate, unknownProperty } from "./odata-filter.js";
import type { StoredObject } from "./types.js";

/** The properties `$select` and `$orderby` may name. */
export const PROPERTIES = [
  "id",
  "status",
  "subjectName",
  "subject",
  "issuerName",
  "issuer",
  "expirationDateTime",
  "uploadDateTime",
  "content",
] as const;
type Property = (typeof PROPERTIES)[number];

/** Where a page starts: after a creation sequence number (creation order) or at an offset (sorted lists). */
export type Cursor = { kind: "after"; sequence: number } | { kind: "offset"; offset: number };

/** A list request's query options, parsed and checked. */
export interface ListQuery {
  select: Property[] | null;
  filter: Predicate | null;
  orderBy: ((left: StoredObject, right: StoredObject) => number) | null;
  skip: number;
  top: number | null;
  cursor: Cursor | null;
  /** The options a next link carries on (all but `$skip` and `$skiptoken`), as `name=value` pairs. */
  carried: string[];
}

/** The query options Intune's OData layer refuses on this resource, by the name its message uses. */
const NOT_ALLOWED: Record<string, string> = {
  $expand: "Expand",
  $count: "Count",
  $search: "Search",
  $format: "Format",
  $compute: "Compute",
  $apply: "Apply",
};

/** Parses a collection request's query options; anything the emulator does not support is Graph's 400. */
export function parseListQuery(parameters: URLSearchParams): ListQuery {
  rejectUnsupported(parameters, ["$select", "$filter", "$orderby", "$skip", "$top", "$skiptoken"]);
  const filter = parameters.get("$filter");
  const orderBy = parameters.get("$orderby");
  const carried = ["$select", "$filter", "$orderby", "$top"].flatMap((name) => {
    const value = parameters.get(name);
    return value === null ? [] : [`${name}=${encodeURIComponent(value)}`];
  });
  return {
    select: parseSelect(parameters.get("$select")),
    filter: filter === null ? null : compileFilter(filter),
    orderBy: orderBy === null ? null : parseOrderBy(orderBy),
    skip: parseCount("$skip", parameters.get("$skip")) ?? 0,
    top: parseCount("$top", parameters.get("$top")),
    cursor: parseSkipToken(parameters.get("$skiptoken")),
    carried,
  };
}

/** Parses a single object's query options: `$select` only. */
export function parseItemQuery(parameters: URLSearchParams): Property[] | null {
  rejectUnsupported(parameters, ["$select"]);
  return parseSelect(parameters.get("$select"));
}

/** The skip token of a cursor, base64url so it needs no escaping in a link. */
export function skipToken(cursor: Cursor): string {
  const text = cursor.kind === "after" ? `after:${cursor.sequence}` : `offset:${cursor.offset}`;
  return Buffer.from(text).toString("base64url");
}

/** Graph's answer to a skip token it did not issue (or issued for another ordering). */
export function invalidSkipToken(): GraphErrorResponse {
  return new GraphErrorResponse(400, "BadRequest", "The value of query option '$skiptoken' is invalid.");
}

function rejectUnsupported(parameters: URLSearchParams, supported: readonly string[]): void {
  for (const name of parameters.keys()) {
    if (!name.startsWith("$") || supported.includes(name)) continue;
    const optionName = NOT_ALLOWED[name];
    throw new GraphErrorResponse(
      400,
      "BadRequest",
      optionName === undefined
        ? `The query parameter '${name}' is not supported.`
        : `The query specified in the URI is not valid. Query option '${optionName}' is not allowed. To allow it, set the 'AllowedQueryOptions' property on EnableQueryAttribute or QueryValidationSettings.`,
    );
  }
}

function parseSelect(value: string | null): Property[] | null {
  if (value === null) return null;
  return value.split(",").map((name) => property(name.trim()));
}

function parseOrderBy(value: string): (left: StoredObject, right: StoredObject) => number {
  const keys = value.split(",").map((item) => {
    const match = /^\s*(\S+?)(?:\s+(asc|desc))?\s*$/.exec(item);
    if (!match) throw new GraphErrorResponse(400, "BadRequest", `Invalid $orderby expression: '${value}'.`);
    return { name: property(match[1] ?? ""), sign: match[2] === "desc" ? -1 : 1 };
  });
  return (left, right) => {
    for (const { name, sign } of keys) {
      const order = compareValues(left[name], right[name]);
      if (order !== 0) return sign * order;
    }
    return 0;
  };
}

/** Nulls sort first, as OData orders them; strings by code unit (dates are all in one UTC form). */
function compareValues(left: string | null, right: string | null): number {
  if (left === right) return 0;
  if (left === null) return -1;
  if (right === null) return 1;
  return left < right ? -1 : 1;
}

function property(name: string): Property {
  if ((PROPERTIES as readonly string[]).includes(name)) return name as Property;
  throw unknownProperty(name);
}

function parseCount(name: string, value: string | null): number | null {
  if (value === null) return null;
  if (!/^\d+$/.test(value))
    throw new GraphErrorResponse(400, "BadRequest", `Invalid value '${value}' for query option '${name}'.`);
  return Number(value);
}

function parseSkipToken(value: string | null): Cursor | null {
  if (value === null) return null;
  const match = /^(after|offset):(\d+)$/.exec(Buffer.from(value, "base64url").toString("utf8"));
  if (!match) throw invalidSkipToken();
  const position = Number(match[2]);
  return match[1] === "after" ? { kind: "after", sequence: position } : { kind: "offset", offset: position };
}
