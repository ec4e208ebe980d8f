import type { RateLimit } from "@intune-codesign/graph-contract";
/** A client-credentials application the emulator's token endpoint accepts. */
export interface EmulatorClient {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** Application roles its tokens carry; default ["DeviceManagementApps.ReadWrite.All"]. */
  roles?: string[];
}

/** A fault the emulator can inject into a Graph request. */
export type FaultKind =
  | "429"
  | "429-http-date"
  | "500"
  | "502"
  | "503"
  | "503-retry-after"
  | "504"
  | "reset-before-response" // socket destroyed before any response; the request is NOT applied
  | "reset-after-create" // only for POST: the create IS applied, then the socket is destroyed (the duplicate trap)
  | "latency" // the response is delayed by faults.latencyMs (default 2000), then served normally
  | "401-expired-token" // 401 InvalidAuthenticationToken although the token is valid
  | "reset-after-delete"; // only for DELETE: the delete IS applied, then the socket is destroyed (the answer lost)

/** How often and which faults to inject; deterministic for a given seed. */
export interface FaultOptions {
  rate: number;
  seed?: number;
  kinds?: FaultKind[];
  latencyMs?: number;
  retryAfterSeconds?: number;
}

export type { RateLimit };

/** Options of startEmulator; every field has a default. */
export interface EmulatorOptions {
  /** Default "127.0.0.1". */
  host?: string;
  /** Default 0 (a random free port). */
  port?: number;
  /** Default false; true = a self-signed certificate for 127.0.0.1/localhost is generated at start. */
  https?: boolean;
  /** Where ca.pem (the certificate to trust via NODE_EXTRA_CA_CERTS) is written; default a fresh temp dir. */
  certDir?: string;
  /** Reuse a certificate, so a test can set NODE_EXTRA_CA_CERTS before spawning. */
  tlsCertificate?: TlsCertificate;
  /** Default 100; server-side page size for list. */
  pageSize?: number;
  /** Default "alternate" (first PATCH 204, next 200, …). */
  patchResponse?: "alternate" | 200 | 204;
  /** Writes (POST, PUT, PATCH, DELETE) per app and tenant; default 100 per 20 s; null = unlimited. */
  writeLimit?: RateLimit | null;
  /** Writes per tenant across its apps; default twice writeLimit over its window (200 per 20 s). */
  tenantWriteLimit?: RateLimit | null;
  /** Requests of any kind, writes included, per app and tenant; default 1000 per 20 s; null = unlimited. */
  requestLimit?: RateLimit | null;
  /** Requests of any kind per tenant across its apps; default twice requestLimit over its window (2000 per 20 s). */
  tenantRequestLimit?: RateLimit | null;
  /** Default none. */
  faults?: FaultOptions | undefined;
  /**
   * Default false. true: the tenant derives subject, issuer, subjectName, issuerName and expirationDateTime from
   * `content` in a rendering of its own, ignoring the client's values. "late": the same, but only after
   * answering the write, whose answer echoes the client's values (as an asynchronous processing step would).
   */
  renderNames?: boolean | "late";
  /** Default 3600. */
  tokenLifetimeSeconds?: number;
  /** Accepted client-credentials apps; default one: emulator-tenant / emulator-client / emulator-secret. */
  clients?: EmulatorClient[];
  /** Bearer tokens accepted without expiry (for --access-token-file); default none. */
  staticTokens?: string[];
  /** Persist objects as JSON: loaded at start, written atomically on every change. */
  dataFile?: string;
  /** Clock for tests; default Date.now. */
  now?: () => number;
}

/** A PEM certificate and its PEM private key. */
export interface TlsCertificate {
  certPem: string;
  keyPem: string;
}

/** One request the emulator answered (or reset). */
export interface RecordedRequest {
  /** The request-id the emulator assigned. */
  id: string;
  method: string;
  path: string;
  /** 0 when the connection was reset. */
  status: number;
  fault: FaultKind | null;
  startedAt: number;
  durationMs: number;
  clientRequestId: string | null;
  /** From an `x-attempt` or `retry-attempt` header, if sent. */
  attempt: string | null;
  /** The wait the answer's Retry-After asked for (an HTTP-date as ms from when it was sent), else null. */
  retryAfterMs: number | null;
}

/** An enterpriseCodeSigningCertificate as the emulator stores it. */
export interface StoredObject {
  id: string;
  status: "notProvisioned" | "provisioned";
  subjectName: string | null;
  subject: string | null;
  issuerName: string | null;
  issuer: string | null;
  expirationDateTime: string;
  uploadDateTime: string;
  /** The last content received, kept for assertions (Graph never returns it). */
  content: string | null;
}

/** A started emulator. */
export interface RunningEmulator {
  /** Graph base including version, e.g. "http://127.0.0.1:PORT/beta". */
  url: string;
  /** "http://127.0.0.1:PORT", also the authority host for @azure/identity. */
  rootUrl: string;
  /** The token endpoint of the first client's tenant. */
  tokenUrl: string;
  /** PEM to trust when https, else null. */
  caCertPath: string | null;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
  /** Copies of the stored objects, in creation order. */
  objects(): StoredObject[];
  /** Graph requests, in arrival order. */
  requests(): RecordedRequest[];
  /** Token endpoint requests, in arrival order. */
  tokenRequests(): RecordedRequest[];
  /** Requests (Graph and token) being handled now: arrived, not yet recorded in requests() or tokenRequests(). */
  inFlight(): number;
  /** Mints a valid token directly, for tests: for the first client, or the configured client `clientId`. */
  issueToken(options?: { lifetimeSeconds?: number; clientId?: string }): string;
  /** Changes fault injection at run time (undefined = none). */
  setFaults(faults: FaultOptions | undefined): void;
  /** Inserts objects directly (ids generated if absent). */
  seed(objects: Array<Partial<StoredObject>>): StoredObject[];
}
