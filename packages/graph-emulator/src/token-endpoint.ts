import type { IncomingMessage } from "node:http";
import { AadError } from "./aad-error.js";
import { headerValue, readBody } from "./http-io.js";
import { tokenOwner } from "./permissions.js";
import type { TokenRegistry } from "./token-registry.js";
import type { EmulatorClient } from "./types.js";

/** What the token endpoint needs from the emulator. */
export interface TokenEndpointContext {
  clients: readonly EmulatorClient[];
  tokens: TokenRegistry;
  tokenLifetimeSeconds: number;
}

/** Whether any configured client belongs to `tenantId`. */
export function knownTenant(tenantId: string, context: Pick<TokenEndpointContext, "clients">): boolean {
  return context.clients.some((client) => client.tenantId === tenantId);
}

/**
 * Runs the OAuth2 client-credentials grant as Entra ID does, checking in its order (tenant, grant, client,
 * scope, secret); returns the token response body or throws an AadError.
 */
export async function grantClientCredentials(
  request: IncomingMessage,
  tenantId: string,
  context: TokenEndpointContext,
): Promise<Record<string, unknown>> {
  if (!knownTenant(tenantId, context))
    throw new AadError(400, "invalid_request", 90002, `Tenant '${tenantId}' not found.`);
  const contentType = headerValue(request, "content-type") ?? "";
  if (!contentType.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
    throw new AadError(
      400,
      "invalid_request",
      900144,
      "The request body must be application/x-www-form-urlencoded.",
    );
  }
  const form = new URLSearchParams(await readBody(request));
  const grantType = form.get("grant_type") ?? "";
  if (grantType !== "client_credentials") {
    throw new AadError(
      400,
      "unsupported_grant_type",
      70003,
      `The grant type '${grantType}' is not supported.`,
    );
  }
  const clientId = form.get("client_id") ?? "";
  const client = context.clients.find((known) => known.tenantId === tenantId && known.clientId === clientId);
  if (!client) {
    throw new AadError(
      400,
      "unauthorized_client",
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenantId}'.`,
    );
  }
  const scope = form.get("scope") ?? "";
  if (!scope.split(" ").some((item) => item.endsWith("/.default"))) {
    throw new AadError(
      400,
      "invalid_scope",
      1002012,
      `The provided value for scope '${scope}' is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.`,
    );
  }
  const secret = form.get("client_secret");
  if (secret === null) {
    throw new AadError(
      401,
      "invalid_client",
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    );
  }
  if (secret !== client.clientSecret) {
    throw new AadError(
      401,
      "invalid_client",
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
    );
  }
  const lifetime = context.tokenLifetimeSeconds;
  const accessToken = context.tokens.issue(tokenOwner(client), lifetime);
  return { token_type: "Bearer", expires_in: lifetime, ext_expires_in: lifetime, access_token: accessToken };
}
