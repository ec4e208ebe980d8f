import type { NetworkFailureKind } from "./network-error.js";

const KIND_BY_CODE: Record<string, NetworkFailureKind> = {
  ENOTFOUND: "dns",
  EAI_AGAIN: "dns",
  EAI_FAIL: "dns",
  EAI_NONAME: "dns",
  ECONNREFUSED: "refused",
  EHOSTUNREACH: "unreachable",
  ENETUNREACH: "unreachable",
  ENETDOWN: "unreachable",
  EHOSTDOWN: "unreachable",
  ECONNRESET: "reset",
  ECONNABORTED: "reset",
  EPIPE: "reset",
  UND_ERR_SOCKET: "reset",
  UND_ERR_CLOSED: "reset",
  ETIMEDOUT: "timeout",
  UND_ERR_CONNECT_TIMEOUT: "timeout",
  UND_ERR_HEADERS_TIMEOUT: "timeout",
  UND_ERR_BODY_TIMEOUT: "timeout",
  UND_ERR_PRX_TLS: "proxy",
};

// OpenSSL's verification codes (CERT_HAS_EXPIRED, SELF_SIGNED_CERT_IN_CHAIN, UNABLE_TO_VERIFY_LEAF_SIGNATURE, …)
// and Node's own TLS codes (ERR_TLS_CERT_ALTNAME_INVALID, ERR_SSL_…).
const TLS_CODE = /CERT|SIGNATURE|^ERR_TLS_|^ERR_SSL_/;

// undici's answer when a proxy does not open the tunnel (403 by policy, 407 without credentials, 502 for a bad host).
const PROXY_REFUSAL = /^Proxy response \((\d{3})\)/;
// fetch's answer, with no code, for a URL on a port the Fetch standard blocks (9, 6000, 10080, …): nothing is sent.
const BAD_PORT = "bad port";

/** The kind and code of a failed fetch, looked up through `cause` chains (fetch wraps socket errors in a TypeError). */
export function classifyNetworkFailure(error: unknown): { kind: NetworkFailureKind; code: string } {
  for (let e = error, depth = 0; e && typeof e === "object" && depth < 6; depth++) {
    const { code, name, message } = e as { code?: unknown; name?: unknown; message?: unknown };
    const proxyStatus = typeof message === "string" ? PROXY_REFUSAL.exec(message)?.[1] : undefined;
    if (proxyStatus) return { kind: "proxy", code: `HTTP ${proxyStatus}` };
    if (message === BAD_PORT) return { kind: "port", code: BAD_PORT };
    if (name === "TimeoutError") return { kind: "timeout", code: "ETIMEDOUT" };
    if (typeof code === "string" && code !== "") {
      const kind = KIND_BY_CODE[code] ?? (TLS_CODE.test(code) ? "tls" : undefined);
      if (kind) return { kind, code };
      // A wrapper's code (UND_ERR_ABORTED, …) may hide a more telling cause; keep looking, else report it.
      const deeper = classifyNetworkFailure((e as { cause?: unknown }).cause);
      return deeper.kind === "other" ? { kind: "other", code } : deeper;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return { kind: "other", code: "EUNKNOWN" };
}
