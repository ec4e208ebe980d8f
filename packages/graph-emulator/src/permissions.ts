import { GraphErrorResponse } from "./graph-error-response.js";
import type { TokenOwner } from "./token-registry.js";
import type { EmulatorClient } from "./types.js";

/** The application permission writes need. */
export const READ_WRITE_ROLE = "DeviceManagementApps.ReadWrite.All";
/** The application permission that is enough to read. */
export const READ_ROLE = "DeviceManagementApps.Read.All";

/** The identity and roles of a client's tokens; a client configured without roles may write. */
export function tokenOwner(client: EmulatorClient): TokenOwner {
  return { tenantId: client.tenantId, clientId: client.clientId, roles: client.roles ?? [READ_WRITE_ROLE] };
}

/**
 * Refuses a request the token's roles do not allow, with Intune's 403: its `message` is a JSON document in a
 * string (CRLF-indented, as Intune sends it) whose `Message` names the scopes the application must have.
 */
export function authorize(method: string, owner: TokenOwner, url: string, activityId: string): void {
  const needed = method === "GET" ? [READ_ROLE, READ_WRITE_ROLE] : [READ_WRITE_ROLE];
  if (needed.some((role) => owner.roles.includes(role))) return;
  const inner = {
    _version: 3,
    Message: `Application must have one of the following scopes: ${needed.join(", ")} - Operation ID (for customer support): 00000000-0000-0000-0000-000000000000 - Activity ID: ${activityId} - Url: ${url}`,
    CustomApiErrorPhrase: "",
    RetryAfter: null,
    ErrorSourceService: "",
    HttpHeaders: "{}",
  };
  throw new GraphErrorResponse(403, "Forbidden", JSON.stringify(inner, null, 2).replaceAll("\n", "\r\n"));
}
