import type { IncomingMessage, ServerResponse } from "node:http";
import { AadError, aadErrorBody } from "./aad-error.js";
import { sendJson } from "./http-io.js";
import { grantClientCredentials, knownTenant, type TokenEndpointContext } from "./token-endpoint.js";

/** What the Entra ID stand-in needs from the emulator. */
export interface IdentityContext extends TokenEndpointContext {
  rootUrl: string;
  now: () => number;
}

const TOKEN_PATH = /^\/([^/]+)\/oauth2\/v2\.0\/token$/;
const OPENID_PATH = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/;
const KEYS_PATH = /^\/([^/]+)\/discovery\/v2\.0\/keys$/;
const INSTANCE_DISCOVERY_PATH = "/common/discovery/instance";

/** Whether a path belongs to the token service rather than Graph. */
export function isIdentityPath(path: string): boolean {
  return (
    [TOKEN_PATH, OPENID_PATH, KEYS_PATH].some((pattern) => pattern.test(path)) ||
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
  try {
    const tokenMatch = TOKEN_PATH.exec(path);
    if (tokenMatch) {
      requireMethod(request, "POST");
      const body = await grantClientCredentials(request, decodeURIComponent(tokenMatch[1] ?? ""), context);
      sendJson(response, 200, body, { "Cache-Control": "no-store" });
      return 200;
    }
    requireMethod(request, "GET");
    const openIdMatch = OPENID_PATH.exec(path);
    let body: unknown;
    if (openIdMatch) body = openIdConfiguration(decodeURIComponent(openIdMatch[1] ?? ""), context);
    else if (KEYS_PATH.test(path)) body = { keys: [] };
    else body = instanceDiscovery(context);
    sendJson(response, 200, body);
    return 200;
  } catch (error) {
    if (!(error instanceof AadError)) throw error;
    sendJson(response, error.status, aadErrorBody(error, context.rootUrl, context.now()));
    return error.status;
  }
}

function requireMethod(request: IncomingMessage, method: string): void {
  if (request.method !== method) {
    throw new AadError(405, "invalid_request", 900561, `The endpoint only accepts ${method} requests.`);
  }
}

/** The tenant's OpenID metadata; @azure/identity (MSAL) reads token_endpoint and issuer from it. */
function openIdConfiguration(tenantId: string, context: IdentityContext): Record<string, unknown> {
  if (!knownTenant(tenantId, context))
    throw new AadError(400, "invalid_tenant", 90002, `Tenant '${tenantId}' not found.`);
  const base = `${context.rootUrl}/${tenantId}`;
  const host = new URL(context.rootUrl).host;
  return {
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
    cloud_instance_name: host,
    cloud_graph_host_name: host,
    msgraph_host: host,
    rbac_url: context.rootUrl,
  };
}

/** MSAL may ask which hosts alias this authority; the emulator is its own only alias. */
function instanceDiscovery(context: IdentityContext): Record<string, unknown> {
  const host = new URL(context.rootUrl).host;
  return {
    tenant_discovery_endpoint: `${context.rootUrl}/common/v2.0/.well-known/openid-configuration`,
    "api-version": "1.1",
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  };
}
