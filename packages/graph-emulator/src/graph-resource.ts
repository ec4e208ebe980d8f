import { GraphErrorResponse } from "./graph-error-response.js";
import {
  type Cursor,
  invalidSkipToken,
  type ListQuery,
  parseItemQuery,
  parseListQuery,
  skipToken,
} from "./list-query.js";
import { type RenderedFields, renderFromContent } from "./name-rendering.js";
import type { ObjectStore } from "./object-store.js";
import type { StoredObject } from "./types.js";
import { ENTITY_ODATA_TYPE, parseJsonObject, validateCertificateBody } from "./validate-body.js";

/** A response to send: status, optional JSON body and extra headers. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Where a Graph path points: the collection, one certificate, or nowhere Graph knows. */
export type GraphRoute = { kind: "collection" } | { kind: "item"; id: string };

/** A request as the resource sees it: already fully received, so a client going away changes nothing. */
export interface ResourceRequest {
  method: string;
  url: URL;
  contentType: string;
  body: string;
}

/** What the resource handlers need from the emulator. */
export interface ResourceContext {
  store: ObjectStore;
  pageSize: number;
  /** The status the next successful PATCH answers with (200 with the object, or 204). */
  nextPatchStatus(): 200 | 204;
  /** Whether the tenant renders names from `content` itself, and whether before or after answering a write. */
  renderNames: "no" | "before-answer" | "after-answer";
}

const VERSIONS = ["beta", "v1.0"];
const RESOURCE_SEGMENTS = ["deviceappmanagement", "enterprisecodesigningcertificates"];
/** v1.0's deviceAppManagement has no enterpriseCodeSigningCertificates navigation property; beta has. */
const BETA_ONLY_SEGMENT = 1;
const COLLECTION_PATH = "deviceAppManagement/enterpriseCodeSigningCertificates";

/** Splits a Graph path into its version and route, answering unknown paths as Graph does (400). */
export function resolveGraphPath(path: string): { version: string; route: GraphRoute } {
  const segments = path
    .split("/")
    .filter((segment) => segment !== "")
    .map(decodeSegment);
  const [version = "", ...rest] = segments;
  if (!VERSIONS.includes(version))
    throw new GraphErrorResponse(400, "BadRequest", `Invalid version: ${version}`);
  for (const [index, expected] of RESOURCE_SEGMENTS.entries()) {
    const segment = rest[index];
    if (segment?.toLowerCase() !== expected) throw unknownSegment(segment ?? version);
    if (version !== "beta" && index === BETA_ONLY_SEGMENT) throw unknownSegment(segment);
  }
  const [, , id, extra] = rest;
  if (extra !== undefined) throw unknownSegment(extra);
  return { version, route: id === undefined ? { kind: "collection" } : { kind: "item", id } };
}

/** Serves one request on the certificates resource. */
export function serveResource(
  request: ResourceRequest,
  graphBase: string,
  route: GraphRoute,
  context: ResourceContext,
): Reply {
  const method = request.method;
  if (route.kind === "collection") {
    if (method === "GET") return list(request.url, graphBase, context);
    if (method === "POST") return create(request, graphBase, context);
    throw methodNotAllowed(method, "GET, POST");
  }
  if (method === "GET") {
    const select = parseItemQuery(request.url.searchParams);
    return { status: 200, body: render(graphBase, findOrThrow(context, route.id), select) };
  }
  if (method === "PATCH") return update(request, graphBase, route.id, context);
  if (method === "DELETE") {
    if (!context.store.delete(route.id)) throw notFound(route.id);
    return { status: 204 };
  }
  throw methodNotAllowed(method, "GET, PATCH, DELETE");
}

function list(url: URL, graphBase: string, context: ResourceContext): Reply {
  const query = parseListQuery(url.searchParams);
  const size = Math.min(query.top ?? context.pageSize, context.pageSize);
  const { objects, next } =
    query.orderBy === null
      ? pageInCreationOrder(query, size, context)
      : pageSorted(query, query.orderBy, size, context);
  const body: Record<string, unknown> = {
    "@odata.context": `${graphBase}/$metadata#${COLLECTION_PATH}${selectSuffix(query.select)}`,
    value: objects.map((object) => entity(object, query.select)),
  };
  if (next !== null) {
    // Graph writes `$` literally in next links; the token is base64url, so nothing needs escaping.
    const carried = query.carried.map((option) => `${option}&`).join("");
    body["@odata.nextLink"] = `${graphBase}/${COLLECTION_PATH}?${carried}$skiptoken=${skipToken(next)}`;
  }
  return { status: 200, body };
}

/** Pages in creation order, walking the store in place, so that deleting a listed object moves no page. */
function pageInCreationOrder(
  query: ListQuery,
  size: number,
  context: ResourceContext,
): { objects: StoredObject[]; next: Cursor | null } {
  if (query.cursor?.kind === "offset") throw invalidSkipToken();
  const after = query.cursor?.sequence ?? 0;
  const matches = query.filter ?? (() => true);
  if (size === 0) return { objects: [], next: null };
  const page = context.store.page(after, size, matches, query.cursor === null ? query.skip : 0);
  return {
    objects: page.objects,
    next: page.nextAfter === null ? null : { kind: "after", sequence: page.nextAfter },
  };
}

/** Pages a `$orderby` list by offset into the sorted matches. */
function pageSorted(
  query: ListQuery,
  orderBy: NonNullable<ListQuery["orderBy"]>,
  size: number,
  context: ResourceContext,
): { objects: StoredObject[]; next: Cursor | null } {
  if (query.cursor?.kind === "after") throw invalidSkipToken();
  const offset = query.cursor?.offset ?? query.skip;
  const sorted = context.store
    .all()
    .filter(query.filter ?? (() => true))
    .sort(orderBy);
  const end = offset + size;
  return {
    objects: sorted.slice(offset, end),
    next: size > 0 && end < sorted.length ? { kind: "offset", offset: end } : null,
  };
}

function create(request: ResourceRequest, graphBase: string, context: ResourceContext): Reply {
  const fields = validateCertificateBody(readJsonBody(request), ["expirationDateTime", "uploadDateTime"]);
  const rendered = fields.content ? tenantRendering(fields.content, context) : null;
  const object = context.store.create(rendered?.before ? { ...fields, ...rendered.fields } : fields);
  // Graph's documented create response echoes the content; reads never return it.
  const reply = {
    status: 201,
    body: { ...render(graphBase, object), content: object.content },
    headers: { Location: `${graphBase}/${COLLECTION_PATH}/${object.id}` },
  };
  if (rendered && !rendered.before) context.store.update(object.id, rendered.fields);
  return reply;
}

function update(request: ResourceRequest, graphBase: string, id: string, context: ResourceContext): Reply {
  const stored = findOrThrow(context, id);
  const fields = validateCertificateBody(readJsonBody(request), []);
  const content = fields.content === undefined ? stored.content : fields.content;
  const rendered = content ? tenantRendering(content, context) : null;
  const object = context.store.update(id, rendered?.before ? { ...fields, ...rendered.fields } : fields);
  if (!object) throw notFound(id);
  const status = context.nextPatchStatus();
  const reply: Reply = status === 204 ? { status } : { status, body: render(graphBase, object) };
  if (rendered && !rendered.before) context.store.update(id, rendered.fields);
  return reply;
}

/**
 * The tenant's own rendering of a certificate's names and expiry, and whether it replaces the client's values
 * before the write is answered or only after; null when the tenant keeps the client's values.
 */
function tenantRendering(
  content: string,
  context: ResourceContext,
): { fields: RenderedFields; before: boolean } | null {
  if (context.renderNames === "no") return null;
  return { fields: renderFromContent(content), before: context.renderNames === "before-answer" };
}

function readJsonBody(request: ResourceRequest): Record<string, unknown> {
  const contentType = request.contentType;
  if (!/^application\/json\s*(;|$)/i.test(contentType)) {
    throw new GraphErrorResponse(
      415,
      "UnsupportedMediaType",
      `The content type '${contentType}' is not supported; send application/json.`,
    );
  }
  return parseJsonObject(request.body);
}

function findOrThrow(context: ResourceContext, id: string): StoredObject {
  const object = context.store.get(id);
  if (!object) throw notFound(id);
  return object;
}

/** Graph's JSON for one object, `$select`ed; content is null because Intune clears it once processed. */
function entity(object: StoredObject, select: readonly string[] | null = null): Record<string, unknown> {
  const full: Record<string, unknown> = { ...object, content: null };
  const properties = select === null ? full : Object.fromEntries(select.map((name) => [name, full[name]]));
  return { "@odata.type": ENTITY_ODATA_TYPE, ...properties };
}

function render(
  graphBase: string,
  object: StoredObject,
  select: readonly string[] | null = null,
): Record<string, unknown> {
  return {
    "@odata.context": `${graphBase}/$metadata#${COLLECTION_PATH}${selectSuffix(select)}/$entity`,
    ...entity(object, select),
  };
}

/** The context URL names the selected properties, as OData's does: `…Certificates(subject,issuer)`. */
function selectSuffix(select: readonly string[] | null): string {
  return select === null ? "" : `(${select.join(",")})`;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw unknownSegment(segment);
  }
}

function unknownSegment(segment: string): GraphErrorResponse {
  return new GraphErrorResponse(400, "BadRequest", `Resource not found for the segment '${segment}'.`);
}

function notFound(id: string): GraphErrorResponse {
  return new GraphErrorResponse(
    404,
    "ResourceNotFound",
    `The enterpriseCodeSigningCertificate with id '${id}' was not found.`,
  );
}

function methodNotAllowed(method: string, allowed: string): GraphErrorResponse {
  return new GraphErrorResponse(
    405,
    "MethodNotAllowed",
    `The HTTP method '${method}' is not allowed on this resource.`,
    {
      Allow: allowed,
    },
  );
}
