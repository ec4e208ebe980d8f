/// <reference path="./proxy-from-env.d.ts" />
import { getProxyForUrl } from "proxy-from-env";
import type { Dispatcher } from "undici";

/** How every request leaves the process, token and Graph alike: one proxy rule, one set of connections. */
export interface Transport {
  /** fetch through the proxy the environment names for the URL's host (or direct). */
  fetch: typeof fetch;
  /** The proxy a request to `url` goes through, without credentials; null when it goes direct. */
  proxyFor(url: string | URL): string | null;
}

/**
 * The proxy for a URL: HTTPS_PROXY (https) or HTTP_PROXY (http), either spelling, else ALL_PROXY; an https URL
 * falls back to HTTP_PROXY, as undici and @azure/identity do. NO_PROXY (`*`, host, `.domain`, `*.domain`,
 * `host:port`) sends a match direct. The variables are read at each call, as the libraries read them.
 */
export function proxyUrlFor(target: string | URL): string | null {
  const url = new URL(target);
  const proxy = getProxyForUrl(url);
  if (proxy) return proxy;
  if (url.protocol !== "https:") return null;
  // The same host and port as http, so that NO_PROXY is judged for this very endpoint.
  return getProxyForUrl(`http://${url.hostname}:${url.port || 443}/`) || null;
}

/** A proxy URL fit for a message: no user name or password. */
export function withoutCredentials(proxy: string): string {
  try {
    const url = new URL(proxy);
    url.username = "";
    url.password = "";
    return url.origin;
  } catch {
    return "(unparseable proxy URL)";
  }
}

/**
 * A transport whose connections (direct, and per proxy) are pooled; one per process is enough. undici takes
 * about 0.4 s to load, so it loads with the first request, not at start-up (`--version`, `inspect`).
 */
export function createTransport(): Transport {
  let undici: Promise<typeof import("undici")> | undefined;
  let direct: Dispatcher | undefined;
  const proxies = new Map<string, Dispatcher>();
  const dispatcherFor = (library: typeof import("undici"), url: URL): Dispatcher => {
    const proxy = proxyUrlFor(url);
    if (!proxy) {
      direct ??= new library.Agent();
      return direct;
    }
    let agent = proxies.get(proxy);
    if (!agent) {
      agent = new library.ProxyAgent(proxy);
      proxies.set(proxy, agent);
    }
    return agent;
  };
  const routed = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : input);
    undici ??= import("undici");
    const library = await undici;
    // undici's fetch has its own types for the same WHATWG shapes.
    const answer = await library.fetch(url, { ...(init as object), dispatcher: dispatcherFor(library, url) });
    return answer as unknown as Response;
  };
  return {
    fetch: routed as typeof fetch,
    proxyFor: (url) => {
      const proxy = proxyUrlFor(url);
      return proxy ? withoutCredentials(proxy) : null;
    },
  };
}

let shared: Transport | undefined;

/** The process's transport, built on first use: every client and credential shares its connections. */
export function defaultTransport(): Transport {
  shared ??= createTransport();
  return shared;
}
