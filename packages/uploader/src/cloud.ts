import { isIP } from "node:net";
import { ConfigError } from "./config-error.js";

/** The national clouds Graph runs in; tokens do not cross them. */
export type CloudName = "global" | "usgov" | "usgovdod" | "china";

const CLOUDS: Record<CloudName, { graphHost: string; authorityHost: string }> = {
  global: { graphHost: "https://graph.microsoft.com", authorityHost: "https://login.microsoftonline.com" },
  usgov: { graphHost: "https://graph.microsoft.us", authorityHost: "https://login.microsoftonline.us" },
  usgovdod: {
    graphHost: "https://dod-graph.microsoft.us",
    authorityHost: "https://login.microsoftonline.us",
  },
  china: {
    graphHost: "https://microsoftgraph.chinacloudapi.cn",
    authorityHost: "https://login.chinacloudapi.cn",
  },
};

/** Graph base URL (beta: the collection exists only there), login authority and `.default` scope of a cloud. */
export function cloudEndpoints(cloud: CloudName): { graphUrl: string; authorityHost: string; scope: string } {
  const endpoints = Object.hasOwn(CLOUDS, cloud) ? CLOUDS[cloud] : undefined;
  if (!endpoints) throw new ConfigError(`Unknown cloud "${cloud}": use global, usgov, usgovdod or china.`);
  return {
    graphUrl: `${endpoints.graphHost}/beta`,
    authorityHost: endpoints.authorityHost,
    scope: `${endpoints.graphHost}/.default`,
  };
}

/** True for localhost, 127.0.0.0/8 and ::1: the only hosts a token may travel to over plain http. */
function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host === "::1") return true;
  return isIP(host) === 4 && host.startsWith("127.");
}

/** Parses a Graph base URL; plain http is refused except to loopback, since the bearer token would travel in clear. */
export function validateGraphUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`Graph URL "${url}" is not a valid URL.`);
  }
  if (parsed.username || parsed.password) throw new ConfigError("Graph URL must not carry credentials.");
  if (parsed.protocol === "https:") return parsed;
  if (parsed.protocol === "http:" && isLoopbackHost(parsed.hostname)) return parsed;
  if (parsed.protocol === "http:") {
    throw new ConfigError(
      `Graph URL "${parsed.origin}" uses plain http: only loopback addresses may (use https).`,
    );
  }
  throw new ConfigError(`Graph URL "${url}" must use https.`);
}
