import { afterEach, describe, expect, it } from "vitest";
import { proxyUrlFor, withoutCredentials } from "./transport.js";

const VARIABLES = [
  "HTTPS_PROXY",
  "https_proxy",
  "HTTP_PROXY",
  "http_proxy",
  "ALL_PROXY",
  "all_proxy",
  "NO_PROXY",
  "no_proxy",
];
const saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));
afterEach(() => {
  for (const name of VARIABLES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

const P = "http://proxy.corp.test:3128";

describe("proxyUrlFor: one rule for token and Graph requests", () => {
  it.each<[string, Record<string, string>, string, string | null]>([
    ["no variables: direct", {}, "https://graph.microsoft.com/beta", null],
    ["HTTPS_PROXY for https", { HTTPS_PROXY: P }, "https://graph.microsoft.com/beta", P],
    ["https_proxy, lower case", { https_proxy: P }, "https://login.microsoftonline.com/t", P],
    ["HTTP_PROXY alone serves https too", { HTTP_PROXY: P }, "https://graph.microsoft.com/beta", P],
    ["HTTPS_PROXY does not serve http", { HTTPS_PROXY: P }, "http://127.0.0.1:8080/beta", null],
    ["HTTP_PROXY serves http", { HTTP_PROXY: P }, "http://127.0.0.1:8080/beta", P],
    [
      "NO_PROXY host",
      { HTTPS_PROXY: P, NO_PROXY: "graph.microsoft.com" },
      "https://graph.microsoft.com/beta",
      null,
    ],
    [
      "NO_PROXY host is not a suffix",
      { HTTPS_PROXY: P, NO_PROXY: "microsoft.com" },
      "https://graph.microsoft.com/x",
      P,
    ],
    [
      "NO_PROXY .domain",
      { HTTPS_PROXY: P, NO_PROXY: ".microsoft.com" },
      "https://graph.microsoft.com/x",
      null,
    ],
    [
      "NO_PROXY *.domain",
      { HTTPS_PROXY: P, NO_PROXY: "*.microsoft.com" },
      "https://graph.microsoft.com/x",
      null,
    ],
    [
      "no_proxy, lower case, in a list",
      { HTTPS_PROXY: P, no_proxy: "a.test, 127.0.0.1" },
      "https://127.0.0.1:9/x",
      null,
    ],
    [
      "NO_PROXY host:port, same port",
      { HTTPS_PROXY: P, NO_PROXY: "127.0.0.1:9" },
      "https://127.0.0.1:9/x",
      null,
    ],
    [
      "NO_PROXY host:port, other port",
      { HTTPS_PROXY: P, NO_PROXY: "127.0.0.1:8" },
      "https://127.0.0.1:9/x",
      P,
    ],
    ["NO_PROXY * sends all direct", { HTTPS_PROXY: P, NO_PROXY: "*" }, "https://graph.microsoft.com/x", null],
    [
      "NO_PROXY applies to the HTTP_PROXY fallback",
      { HTTP_PROXY: P, NO_PROXY: "graph.microsoft.com" },
      "https://graph.microsoft.com/x",
      null,
    ],
  ])("%s", (_, env, url, expected) => {
    for (const name of VARIABLES) delete process.env[name];
    Object.assign(process.env, env);
    expect(proxyUrlFor(url)).toBe(expected);
  });
});

describe("withoutCredentials", () => {
  it.each([
    ["http://user:pa55@proxy.corp.test:3128", "http://proxy.corp.test:3128"],
    ["http://proxy.corp.test:3128/", "http://proxy.corp.test:3128"],
    ["not a url", "(unparseable proxy URL)"],
  ])("%s -> %s", (proxy, expected) => {
    expect(withoutCredentials(proxy)).toBe(expected);
  });
});
