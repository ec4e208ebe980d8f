import { GraphError } from "./graph-error.js";
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
  if (!VERSIONS.includes(version)) throw new GraphError(400, "BadRequest", `Invalid version: ${version}`);
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
  if (method === "GET") return { status: 200, body: render(graphBase, findOrThrow(context, route.id)) };
  if (method === "PATCH") return update(request, graphBase, route.id, context);
  if (method === "DELETE") {
    if (!context.store.delete(route.id)) throw notFound(route.id);
    return { status: 204 };
  }
  throw methodNotAllowed(method, "GET, PATCH, DELETE");
}

function list(url: URL, graphBase: string, context: ResourceContext): Reply {
  for (const name of url.searchParams.keys()) {
    if (name.startsWith("$") && name !== "$top" && name !== "$skiptoken") {
      throw new GraphError(
        400,
        "BadRequest",
        `The query option '${name}' is not supported by this resource.`,
      );
    }
  }
  const top = parseTop(url.searchParams.get("$top"));
  const after = parseSkipToken(url.searchParams.get("$skiptoken"));
  const size = Math.min(top ?? context.pageSize, context.pageSize);
  const page = size === 0 ? { objects: [], nextAfter: null } : context.store.page(after, size);
  const body: Record<string, unknown> = {
    "@odata.context": `${graphBase}/$metadata#${COLLECTION_PATH}`,
    value: page.objects.map((object) => entity(object)),
  };
  if (page.nextAfter !== null) {
    // Graph writes `$` literally in next links; the token is base64url, so nothing needs escaping.
    const skipToken = Buffer.from(`after:${page.nextAfter}`).toString("base64url");
    const topParameter = top === null ? "" : `$top=${top}&`;
    body["@odata.nextLink"] = `${graphBase}/${COLLECTION_PATH}?${topParameter}$skiptoken=${skipToken}`;
  }
  return { status: 200, body };
}

function create(request: ResourceRequest, graphBase: string, context: ResourceContext): Reply {
  const fields = validateCertificateBody(readJsonBody(request), ["expirationDateTime", "uploadDateTime"]);
  const object = context.store.create(fields);
  // Graph's documented create response echoes the content; reads never return it.
  return {
    status: 201,
    body: { ...render(graphBase, object), content: object.content },
    headers: { Location: `${graphBase}/${COLLECTION_PATH}/${object.id}` },
  };
}

function update(request: ResourceRequest, graphBase: string, id: string, context: ResourceContext): Reply {
  findOrThrow(context, id);
  const fields = validateCertificateBody(readJsonBody(request), []);
  const object = context.store.update(id, fields);
  if (!object) throw notFound(id);
  const status = context.nextPatchStatus();
  return status === 204 ? { status } : { status, body: render(graphBase, object) };
}

function readJsonBody(request: ResourceRequest): Record<string, unknown> {
  const contentType = request.contentType;
  if (!/^application\/json\s*(;|$)/i.test(contentType)) {
    throw new GraphError(
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

/** Graph's JSON for one object; content is null because Intune clears it once processed. */
function entity(object: StoredObject): Record<string, unknown> {
  return { "@odata.type": ENTITY_ODATA_TYPE, ...object, content: null };
}

function render(graphBase: string, object: StoredObject): Record<string, unknown> {
  return { "@odata.context": `${graphBase}/$metadata#${COLLECTION_PATH}/$entity`, ...entity(object) };
}

function parseTop(value: string | null): number | null {
  if (value === null) return null;
  if (!/^\d+$/.test(value))
    throw new GraphError(400, "BadRequest", `Invalid value '${value}' for query option '$top'.`);
  return Number(value);
}

function parseSkipToken(value: string | null): number {
  if (value === null) return 0;
  const match = /^after:(\d+)$/.exec(Buffer.from(value, "base64url").toString("utf8"));
  if (!match) throw new GraphError(400, "BadRequest", "The value of query option '$skiptoken' is invalid.");
  return Number(match[1]);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw unknownSegment(segment);
  }
}

function unknownSegment(segment: string): GraphError {
  return new GraphError(400, "BadRequest", `Resource not found for the segment '${segment}'.`);
}

function notFound(id: string): GraphError {
  return new GraphError(
    404,
    "ResourceNotFound",
    `The enterpriseCodeSigningCertificate with id '${id}' was not found.`,
  );
}

function methodNotAllowed(method: string, allowed: string): GraphError {
  return new GraphError(
    405,
    "MethodNotAllowed",
    `The HTTP method '${method}' is not allowed on this resource.`,
    {
      Allow: allowed,
    },
  );
}
