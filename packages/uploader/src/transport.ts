/// <reference path="./proxy-from-env.d.ts" />
import { getProxyForUrl } from "proxy-from-env";
import { Agent, type Dispatcher, ProxyAgent, fetch as undiciFetch } from "undici";

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

/** A transport whose connections (direct, and per proxy) are pooled; one per process is enough. */
export function createTransport(): Transport {
  const direct = new Agent();
  const proxies = new Map<string, Dispatcher>();
  const dispatcherFor = (url: URL): Dispatcher => {
    const proxy = proxyUrlFor(url);
    if (!proxy) return direct;
    let agent = proxies.get(proxy);
    if (!agent) {
      agent = new ProxyAgent(proxy);
      proxies.set(proxy, agent);
    }
    return agent;
  };
  const routed = (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : input);
    // undici's fetch takes its own types; the shapes are the same WHATWG ones.
    return undiciFetch(url, {
      ...(init as object),
      dispatcher: dispatcherFor(url),
    }) as unknown as Promise<Response>;
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
