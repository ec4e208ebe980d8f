import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConnectionResetter } from "./connection-reset.js";
import { DEFAULT_CLIENT } from "./constants.js";
import { formatDateTimeOffset, normaliseDateTimeOffset } from "./date-time.js";
import { FaultInjector } from "./fault-injector.js";
import { type GraphContext, type GraphOutcome, handleGraphRequest } from "./graph-pipeline.js";
import { headerValue, sendJson } from "./http-io.js";
import { handleIdentityRequest, type IdentityContext, isIdentityPath } from "./identity-endpoints.js";
import { ObjectStore } from "./object-store.js";
import { SlidingLogLimiter } from "./rate-limiter.js";
import { generateTlsCertificate } from "./tls-certificate.js";
import { TokenRegistry } from "./token-registry.js";
import type { EmulatorOptions, RecordedRequest, RunningEmulator, StoredObject } from "./types.js";
import { replaceFile } from "./write-file.js";

const YEAR_MS = 365 * 24 * 60 * 60 * 1000;
/** Request targets are paths; a base makes them parseable as URLs. */
const BASE_FOR_PATHS = "http://emulator.invalid/";

/** Starts an emulator of Graph's enterpriseCodeSigningCertificates API and its token service. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const now = options.now ?? Date.now;
  const clients = options.clients && options.clients.length > 0 ? options.clients : [DEFAULT_CLIENT];
  const firstClient = clients[0] ?? DEFAULT_CLIENT;
  const tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 3600;
  const store = new ObjectStore(options.dataFile);
  const tokens = new TokenRegistry(now, options.staticTokens ?? []);
  const closing = new AbortController();
  const graphLog: RecordedRequest[] = [];
  const tokenLog: RecordedRequest[] = [];
  let faults = options.faults ? new FaultInjector(options.faults) : null;
  let patchCount = 0;

  const graph: GraphContext = {
    rootUrl: "",
    store,
    pageSize: options.pageSize ?? 100,
    nextPatchStatus: () => {
      const mode = options.patchResponse ?? "alternate";
      if (mode !== "alternate") return mode;
      return patchCount++ % 2 === 0 ? 204 : 200;
    },
    tokens,
    readLimiter: limiter(options.readLimit, { limit: 1000, windowMs: 20_000 }),
    writeLimiter: limiter(options.writeLimit, { limit: 100, windowMs: 20_000 }),
    faults: () => faults,
    now,
    closing: closing.signal,
    connections: new ConnectionResetter(),
  };
  const identity: IdentityContext = { rootUrl: "", clients, tokens, tokenLifetimeSeconds, now };

  const handler = (request: IncomingMessage, response: ServerResponse): void => {
    void serve(request, response);
  };
  const serve = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const startedAt = now();
    const started = performance.now();
    const url = URL.canParse(request.url ?? "/", BASE_FOR_PATHS)
      ? new URL(request.url ?? "/", BASE_FOR_PATHS)
      : new URL(BASE_FOR_PATHS);
    const requestId = randomUUID();
    const clientRequestId = headerValue(request, "client-request-id");
    let outcome: GraphOutcome;
    const toIdentity = isIdentityPath(url.pathname);
    try {
      outcome = toIdentity
        ? {
            status: await handleIdentityRequest(request, response, url.pathname, identity),
            fault: null,
            retryAfterMs: null,
          }
        : await handleGraphRequest(request, response, url, { requestId, clientRequestId }, graph);
    } catch {
      if (!response.headersSent) sendJson(response, 500, { error: "server_error" });
      outcome = { status: 500, fault: null, retryAfterMs: null };
    }
    (toIdentity ? tokenLog : graphLog).push({
      id: requestId,
      method: request.method ?? "GET",
      path: url.pathname,
      status: outcome.status,
      fault: outcome.fault,
      startedAt,
      durationMs: performance.now() - started,
      clientRequestId,
      attempt: headerValue(request, "x-attempt") ?? headerValue(request, "retry-attempt"),
      retryAfterMs: outcome.retryAfterMs,
    });
  };

  let server: Server;
  let caCertPath: string | null = null;
  let ownedCertDir: string | null = null;
  if (options.https) {
    const certificate = options.tlsCertificate ?? (await generateTlsCertificate(now()));
    if (!options.certDir) ownedCertDir = mkdtempSync(join(tmpdir(), "graph-emulator-"));
    caCertPath = join(options.certDir ?? ownedCertDir ?? "", "ca.pem");
    replaceFile(caCertPath, certificate.certPem);
    server = createHttpsServer({ cert: certificate.certPem, key: certificate.keyPem }, handler);
  } else {
    server = createHttpServer(handler);
  }
  graph.connections.track(server);
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const rootUrl = `${options.https ? "https" : "http"}://${host.includes(":") ? `[${host}]` : host}:${port}`;
  graph.rootUrl = rootUrl;
  identity.rootUrl = rootUrl;

  return {
    url: `${rootUrl}/beta`,
    rootUrl,
    tokenUrl: `${rootUrl}/${firstClient.tenantId}/oauth2/v2.0/token`,
    caCertPath,
    close: async () => {
      closing.abort();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      if (ownedCertDir) rmSync(ownedCertDir, { recursive: true, force: true });
    },
    objects: () => store.all(),
    requests: () => graphLog.map((entry) => ({ ...entry })),
    tokenRequests: () => tokenLog.map((entry) => ({ ...entry })),
    issueToken: (issue) =>
      tokens.issue(
        { tenantId: firstClient.tenantId, clientId: firstClient.clientId },
        issue?.lifetimeSeconds ?? tokenLifetimeSeconds,
      ),
    setFaults: (next) => {
      faults = next ? new FaultInjector(next) : null;
    },
    seed: (objects) => objects.map((object) => store.create(seedFields(object, now()))),
  };
}

function limiter(
  configured: EmulatorOptions["readLimit"],
  fallback: { limit: number; windowMs: number },
): SlidingLogLimiter | null {
  if (configured === null) return null;
  return new SlidingLogLimiter(configured ?? fallback);
}

/** Fills what a seeded object leaves out: uploaded now, expiring in a year, dates in Graph's form. */
function seedFields(object: Partial<StoredObject>, now: number): Partial<StoredObject> {
  const date = (value: string | undefined, fallback: number): string => {
    if (value === undefined) return formatDateTimeOffset(fallback);
    const normalised = normaliseDateTimeOffset(value);
    if (normalised === null) throw new Error(`Seeded date-time '${value}' has no offset or is invalid.`);
    return normalised;
  };
  return {
    ...object,
    uploadDateTime: date(object.uploadDateTime, now),
    expirationDateTime: date(object.expirationDateTime, now + YEAR_MS),
  };
}
