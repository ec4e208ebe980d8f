import { describe, expect, it } from "vitest";
import { NetworkError } from "./network-error.js";
import { classifyNetworkFailure } from "./network-failure.js";

/** fetch's shape of a failure: a TypeError whose cause carries the code. */
const fetchFailure = (cause: object) => new TypeError("fetch failed", { cause });
const coded = (code: string, message = code) => Object.assign(new Error(message), { code });

describe("classifyNetworkFailure", () => {
  it.each<[string, unknown, { kind: string; code: string }]>([
    ["DNS: no such name", fetchFailure(coded("ENOTFOUND")), { kind: "dns", code: "ENOTFOUND" }],
    ["DNS: try again", fetchFailure(coded("EAI_AGAIN")), { kind: "dns", code: "EAI_AGAIN" }],
    ["refused", fetchFailure(coded("ECONNREFUSED")), { kind: "refused", code: "ECONNREFUSED" }],
    ["no route", fetchFailure(coded("EHOSTUNREACH")), { kind: "unreachable", code: "EHOSTUNREACH" }],
    ["reset", fetchFailure(coded("ECONNRESET")), { kind: "reset", code: "ECONNRESET" }],
    [
      "undici's closed socket",
      fetchFailure(coded("UND_ERR_SOCKET")),
      { kind: "reset", code: "UND_ERR_SOCKET" },
    ],
    [
      "connect timeout",
      fetchFailure(coded("UND_ERR_CONNECT_TIMEOUT")),
      { kind: "timeout", code: "UND_ERR_CONNECT_TIMEOUT" },
    ],
    ["an abort by timeout", new DOMException("late", "TimeoutError"), { kind: "timeout", code: "ETIMEDOUT" }],
    [
      "untrusted chain",
      fetchFailure(coded("SELF_SIGNED_CERT_IN_CHAIN")),
      { kind: "tls", code: "SELF_SIGNED_CERT_IN_CHAIN" },
    ],
    [
      "name mismatch",
      fetchFailure(coded("ERR_TLS_CERT_ALTNAME_INVALID")),
      { kind: "tls", code: "ERR_TLS_CERT_ALTNAME_INVALID" },
    ],
    [
      "leaf not verifiable",
      fetchFailure(coded("UNABLE_TO_VERIFY_LEAF_SIGNATURE")),
      { kind: "tls", code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" },
    ],
    [
      "a proxy refusing the tunnel",
      fetchFailure(coded("UND_ERR_ABORTED", "Proxy response (407) !== 200 when HTTP Tunneling")),
      { kind: "proxy", code: "HTTP 407" },
    ],
    [
      "a wrapper's code hides the socket's",
      fetchFailure(Object.assign(coded("UND_ERR_ABORTED"), { cause: coded("ECONNRESET") })),
      { kind: "reset", code: "ECONNRESET" },
    ],
    [
      "an unknown code",
      fetchFailure(coded("ERR_INVALID_ARG_TYPE")),
      { kind: "other", code: "ERR_INVALID_ARG_TYPE" },
    ],
    ["a port fetch blocks", fetchFailure(new Error("bad port")), { kind: "port", code: "bad port" }],
    ["no code at all", new Error("plain"), { kind: "other", code: "EUNKNOWN" }],
    ["not an error", "ECONNRESET", { kind: "other", code: "EUNKNOWN" }],
  ])("%s", (_, error, expected) => {
    expect(classifyNetworkFailure(error)).toEqual(expected);
  });
});

describe("NetworkError", () => {
  it("names the request, host, proxy and cause, and never more", () => {
    const error = new NetworkError({
      kind: "dns",
      code: "ENOTFOUND",
      host: "graph.microsfot.com",
      proxy: "http://proxy.example.test:3128",
      request: "GET /beta/deviceAppManagement/enterpriseCodeSigningCertificates",
    });
    expect(error.message).toBe(
      "GET /beta/deviceAppManagement/enterpriseCodeSigningCertificates: could not reach graph.microsfot.com through proxy http://proxy.example.test:3128: its name did not resolve (DNS) (ENOTFOUND)",
    );
    expect([error.notSent, error.kind, error.host]).toEqual([true, "dns", "graph.microsfot.com"]);
  });

  it.each([
    ["dns", true],
    ["refused", true],
    ["unreachable", true],
    ["tls", true],
    ["proxy", true],
    ["reset", false],
    ["timeout", false],
    ["other", false],
  ] as const)("%s: notSent %s", (kind, notSent) => {
    expect(new NetworkError({ kind, code: "X", host: "h", proxy: null }).notSent).toBe(notSent);
  });
});
