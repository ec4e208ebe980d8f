import { normaliseDateTimeOffset } from "@intune-codesign/graph-contract";
import { GraphErrorResponse } from "./graph-error-response.js";
import type { StoredObject } from "./types.js";

/** A compiled `$filter`: whether an object matches. */
export type Predicate = (object: StoredObject) => boolean;

const STRING_PROPERTIES = ["id", "status", "subject", "subjectName", "issuer", "issuerName"] as const;
const DATE_PROPERTIES = ["expirationDateTime", "uploadDateTime"] as const;
type StringProperty = (typeof STRING_PROPERTIES)[number];
type DateProperty = (typeof DATE_PROPERTIES)[number];

/** `property operator literal`, then optionally `and` and the next clause; a string literal doubles its quotes. */
const CLAUSE = /^\s*([A-Za-z]+)\s+(eq|ne|lt|gt|le|ge)\s+('(?:[^']|'')*'|[^\s']+)\s*(?:(and)\s+|$)/;

/**
 * Compiles the `$filter` the emulator supports: `eq`/`ne` on the string properties (a quoted literal, compared
 * exactly, or `null`), `eq`/`ne`/`lt`/`gt`/`le`/`ge` on the DateTimeOffset properties (an unquoted literal,
 * compared as an instant), and clauses joined by `and`. Anything else is Graph's 400.
 */
export function compileFilter(text: string): Predicate {
  const clauses: Predicate[] = [];
  let rest = text;
  for (;;) {
    const match = CLAUSE.exec(rest);
    if (!match) throw invalidFilter(text);
    const [whole, property = "", operator = "", literal = "", and] = match;
    clauses.push(compileClause(property, operator, literal, text));
    rest = rest.slice(whole.length);
    if (!and) break;
  }
  if (rest.trim() !== "") throw invalidFilter(text);
  return (object) => clauses.every((clause) => clause(object));
}

function compileClause(property: string, operator: string, literal: string, text: string): Predicate {
  if ((STRING_PROPERTIES as readonly string[]).includes(property)) {
    if (operator !== "eq" && operator !== "ne") throw invalidFilter(text);
    const value = literal === "null" ? null : stringLiteral(literal, text);
    return (object) => (object[property as StringProperty] === value) === (operator === "eq");
  }
  if ((DATE_PROPERTIES as readonly string[]).includes(property)) {
    const value = literal.startsWith("'") ? null : normaliseDateTimeOffset(literal);
    if (value === null) throw invalidFilter(text);
    const instant = Date.parse(value);
    return (object) => compare(Date.parse(object[property as DateProperty]), instant, operator);
  }
  throw unknownProperty(property);
}

/** OData's answer to a property the entity type does not have. */
export function unknownProperty(name: string): GraphErrorResponse {
  return new GraphErrorResponse(
    400,
    "BadRequest",
    `Could not find a property named '${name}' on type 'microsoft.graph.enterpriseCodeSigningCertificate'.`,
  );
}

function compare(left: number, right: number, operator: string): boolean {
  switch (operator) {
    case "eq":
      return left === right;
    case "ne":
      return left !== right;
    case "lt":
      return left < right;
    case "gt":
      return left > right;
    case "le":
      return left <= right;
    default:
      return left >= right;
  }
}

function stringLiteral(literal: string, text: string): string {
  if (!literal.startsWith("'")) throw invalidFilter(text);
  return literal.slice(1, -1).replaceAll("''", "'");
}

function invalidFilter(text: string): GraphErrorResponse {
  return new GraphErrorResponse(400, "BadRequest", `Invalid filter clause: '${text}'.`);
}
