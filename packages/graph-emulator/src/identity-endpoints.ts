import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { headerValue, readBody, sendJson } from "./http-io.js";
import type { TokenRegistry } from "./token-registry.js";
import type { EmulatorClient } from "./types.js";

/** What the Entra ID stand-in needs from the emulator. */
export interface IdentityContext {
  rootUrl: string;
  clients: readonly EmulatorClient[];
  tokens: TokenRegistry;
  tokenLifetimeSeconds: number;
  now: () => number;
}

const TOKEN_PATH = /^\/([^/]+)\/oauth2\/v2\.0\/token$/;
const OPENID_PATH = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/;
const KEYS_PATH = /^\/([^/]+)\/discovery\/v2\.0\/keys$/;
const INSTANCE_DISCOVERY_PATH = "/common/discovery/instance";

/** Whether a path belongs to the token service rather than Graph. */
export function isIdentityPath(path: string): boolean {
  return (
    TOKEN_PATH.test(path) ||
    OPENID_PATH.test(path) ||
    KEYS_PATH.test(path) ||
    path === INSTANCE_DISCOVERY_PATH
  );
}

/** Answers a token-service request like Entra ID does; returns the status sent. */
export async function handleIdentityRequest(
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
  context: IdentityContext,
): Promise<number> {
  const tokenMatch = TOKEN_PATH.exec(path);
  if (tokenMatch) {
    if (request.method !== "POST")
      return sendAadError(
        response,
        context,
        405,
        "invalid_request",
        900561,
        "The endpoint only accepts POST requests.",
      );
    return issueToken(request, response, decodeURIComponent(tokenMatch[1] ?? ""), context);
  }
  if (request.method !== "GET")
    return sendAadError(
      response,
      context,
      405,
      "invalid_request",
      900561,
      "The endpoint only accepts GET requests.",
    );
  const openIdMatch = OPENID_PATH.exec(path);
  if (openIdMatch)
    return sendOpenIdConfiguration(response, decodeURIComponent(openIdMatch[1] ?? ""), context);
  if (KEYS_PATH.test(path)) {
    sendJson(response, 200, { keys: [] });
    return 200;
  }
  return sendInstanceDiscovery(response, context);
}

async function issueToken(
  request: IncomingMessage,
  response: ServerResponse,
  tenantId: string,
  context: IdentityContext,
): Promise<number> {
  if (!knownTenant(tenantId, context)) {
    return sendAadError(response, context, 400, "invalid_request", 90002, `Tenant '${tenantId}' not found.`);
  }
  const contentType = headerValue(request, "content-type") ?? "";
  if (!contentType.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
    return sendAadError(
      response,
      context,
      400,
      "invalid_request",
      900144,
      "The request body must be application/x-www-form-urlencoded.",
    );
  }
  const form = new URLSearchParams(await readBody(request));
  const grantType = form.get("grant_type");
  if (grantType !== "client_credentials") {
    return sendAadError(
      response,
      context,
      400,
      "unsupported_grant_type",
      70003,
      `The grant type '${grantType ?? ""}' is not supported.`,
    );
  }
  const clientId = form.get("client_id") ?? "";
  const client = context.clients.find(
    (candidate) => candidate.tenantId === tenantId && candidate.clientId === clientId,
  );
  if (!client) {
    return sendAadError(
      response,
      context,
      400,
      "unauthorized_client",
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenantId}'.`,
    );
  }
  const scope = form.get("scope") ?? "";
  if (!scope.split(" ").some((item) => item.endsWith("/.default"))) {
    return sendAadError(
      response,
      context,
      400,
      "invalid_scope",
      1002012,
      `The provided value for scope '${scope}' is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.`,
    );
  }
  const secret = form.get("client_secret");
  if (secret === null) {
    return sendAadError(
      response,
      context,
      401,
      "invalid_client",
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    );
  }
  if (secret !== client.clientSecret) {
    return sendAadError(
      response,
      context,
      401,
      "invalid_client",
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
    );
  }
  const lifetime = context.tokenLifetimeSeconds;
  const accessToken = context.tokens.issue({ tenantId, clientId }, lifetime);
  sendJson(
    response,
    200,
    { token_type: "Bearer", expires_in: lifetime, ext_expires_in: lifetime, access_token: accessToken },
    { "Cache-Control": "no-store" },
  );
  return 200;
}

function sendOpenIdConfiguration(
  response: ServerResponse,
  tenantId: string,
  context: IdentityContext,
): number {
  if (!knownTenant(tenantId, context)) {
    return sendAadError(response, context, 400, "invalid_tenant", 90002, `Tenant '${tenantId}' not found.`);
  }
  const base = `${context.rootUrl}/${tenantId}`;
  sendJson(response, 200, {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ["query", "fragment", "form_post"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
    response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
    scopes_supported: ["openid", "profile", "email", "offline_access"],
    issuer: `${base}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${context.rootUrl}/oidc/userinfo`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: ["sub", "iss", "aud", "exp", "iat", "tid"],
    kerberos_endpoint: `${base}/kerberos`,
    tenant_region_scope: null,
    cloud_instance_name: new URL(context.rootUrl).host,
    cloud_graph_host_name: new URL(context.rootUrl).host,
    msgraph_host: new URL(context.rootUrl).host,
    rbac_url: context.rootUrl,
  });
  return 200;
}

/** MSAL may ask which hosts alias this authority; the emulator is its own only alias. */
function sendInstanceDiscovery(response: ServerResponse, context: IdentityContext): number {
  const host = new URL(context.rootUrl).host;
  sendJson(response, 200, {
    tenant_discovery_endpoint: `${context.rootUrl}/common/v2.0/.well-known/openid-configuration`,
    "api-version": "1.1",
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  });
  return 200;
}

function knownTenant(tenantId: string, context: IdentityContext): boolean {
  return context.clients.some((client) => client.tenantId === tenantId);
}

/** Entra ID's error shape, with the AADSTS code both in the description and in `error_codes`. */
function sendAadError(
  response: ServerResponse,
  context: IdentityContext,
  status: number,
  error: string,
  aadstsCode: number,
  description: string,
): number {
  const traceId = randomUUID();
  const timestamp = new Date(context.now())
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, "Z");
  sendJson(response, status, {
    error,
    error_description: `AADSTS${aadstsCode}: ${description} Trace ID: ${traceId} Timestamp: ${timestamp}`,
    error_codes: [aadstsCode],
    timestamp,
    trace_id: traceId,
    correlation_id: randomUUID(),
    error_uri: `${context.rootUrl}/error?code=${aadstsCode}`,
  });
  return status;
}
