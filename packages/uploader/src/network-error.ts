/** Why a request got no HTTP answer, as far as the socket layer tells. */
export type NetworkFailureKind =
  | "dns"
  | "refused"
  | "unreachable"
  | "reset"
  | "timeout"
  | "tls"
  | "proxy"
  | "port"
  | "other";

/** What the message says for each kind, after the host. */
const CAUSES: Record<NetworkFailureKind, string> = {
  dns: "its name did not resolve (DNS)",
  refused: "the connection was refused",
  unreachable: "no route to it",
  reset: "the connection was reset",
  timeout: "no answer in time",
  tls: "its TLS certificate was not trusted (a TLS-inspecting proxy's CA goes in NODE_EXTRA_CA_CERTS)",
  proxy: "the proxy refused the tunnel",
  port: "fetch does not connect to this port (the Fetch standard blocks it, as it does 6000 and 10080): use another",
  other: "the request failed below HTTP",
};

// Kinds where the request provably never reached the server: a write can be re-sent without looking for it.
const NOT_SENT: ReadonlySet<NetworkFailureKind> = new Set([
  "dns",
  "refused",
  "unreachable",
  "tls",
  "proxy",
  "port",
]);

/** What a NetworkError is made of. */
export interface NetworkFailure {
  kind: NetworkFailureKind;
  /** The system, TLS or undici code (`ENOTFOUND`, `ECONNRESET`, `CERT_HAS_EXPIRED`, …). */
  code: string;
  /** The host the request was for (`graph.microsoft.com`, `login.microsoftonline.com:443`). */
  host: string;
  /** The proxy the request went through, without credentials; null when it went direct. */
  proxy: string | null;
  /** The request line, e.g. `PATCH /beta/deviceAppManagement/…`. */
  request?: string;
  /** For a timeout: the limit that passed. */
  timeoutMs?: number;
  clientRequestId?: string | null;
  cause?: unknown;
}

/**
 * A request got no HTTP answer: it names the host, the proxy if one was used, and the cause. Its message never
 * quotes the underlying error, since fetch can echo header values and one of them is the token.
 */
export class NetworkError extends Error {
  override readonly name = "NetworkError";
  /** DNS, refused, unreachable, reset, timeout, TLS verification, proxy, a blocked port, or other. */
  readonly kind: NetworkFailureKind;
  /** The system, TLS or undici code. */
  readonly code: string;
  /** The host the request was for. */
  readonly host: string;
  /** The proxy used, without credentials; null when direct. */
  readonly proxy: string | null;
  /** HTTP requests sent for the operation. */
  attempts = 1;
  /** The `client-request-id` of the last request, for tracing one whose answer never came. */
  readonly clientRequestId: string | null;

  constructor(failure: NetworkFailure) {
    const via = failure.proxy ? ` through proxy ${failure.proxy}` : "";
    const what = failure.request ? `${failure.request}: ` : "";
    const cause =
      failure.kind === "timeout" && failure.timeoutMs !== undefined
        ? `no answer within ${failure.timeoutMs} ms`
        : CAUSES[failure.kind];
    super(
      `${what}could not reach ${failure.host}${via}: ${cause} (${failure.code})`,
      failure.cause === undefined ? undefined : { cause: failure.cause },
    );
    this.kind = failure.kind;
    this.code = failure.code;
    this.host = failure.host;
    this.proxy = failure.proxy;
    this.clientRequestId = failure.clientRequestId ?? null;
  }

  /** True when the request provably never reached the server (nothing could be sent), so a write had no effect. */
  get notSent(): boolean {
    return NOT_SENT.has(this.kind);
  }
}
