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
import { formatDateTimeOffset, normaliseDateTimeOffset } from "@intune-codesign/graph-contract";
import { ConnectionResetter } from "./connection-reset.js";
import { DEFAULT_CLIENT } from "./constants.js";
import { FaultInjector } from "./fault-injector.js";
import { type GraphContext, type GraphOutcome, handleGraphRequest } from "./graph-pipeline.js";
import { headerValue, sendJson } from "./http-io.js";
import { handleIdentityRequest, type IdentityContext, isIdentityPath } from "./identity-endpoints.js";
import { ObjectStore } from "./object-store.js";
import { tokenOwner } from "./permissions.js";
import { EmulatorStartError, errorCode, inWords, makeFolder, startStep } from "./start-error.js";
import { IntuneThrottle } from "./throttling.js";
import { generateTlsCertificate } from "./tls-certificate.js";
import { TokenRegistry } from "./token-registry.js";
import type {
  EmulatorClient,
  EmulatorOptions,
  RecordedRequest,
  RunningEmulator,
  StoredObject,
} from "./types.js";
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
  const store = startStep(
    `cannot use the data file ${options.dataFile}`,
    () => new ObjectStore(options.dataFile),
  );
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
    renderNames: !options.renderNames
      ? "no"
      : options.renderNames === "late"
        ? "after-answer"
        : "before-answer",
    nextPatchStatus: () => {
      const mode = options.patchResponse ?? "alternate";
      if (mode !== "alternate") return mode;
      return patchCount++ % 2 === 0 ? 204 : 200;
    },
    tokens,
    throttle: new IntuneThrottle(options),
    faults: () => faults,
    now,
    closing: closing.signal,
    connections: new ConnectionResetter(),
  };
  const identity: IdentityContext = { rootUrl: "", clients, tokens, tokenLifetimeSeconds, now };

  const handler = (request: IncomingMessage, response: ServerResponse): void => {
    void serve(request, response);
  };
  let inFlight = 0;
  const serve = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    inFlight += 1;
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
    inFlight -= 1;
  };

  let server: Server;
  let caCertPath: string | null = null;
  let ownedCertDir: string | null = null;
  if (options.https) {
    const certificate = options.tlsCertificate ?? (await generateTlsCertificate(now()));
    const certDir = options.certDir ?? mkdtempSync(join(tmpdir(), "graph-emulator-"));
    if (!options.certDir) ownedCertDir = certDir;
    const certPath = join(certDir, "ca.pem");
    startStep(`cannot write the HTTPS certificate to ${certPath}`, () => {
      makeFolder(certDir);
      replaceFile(certPath, certificate.certPem);
    });
    caCertPath = certPath;
    server = createHttpsServer({ cert: certificate.certPem, key: certificate.keyPem }, handler);
  } else {
    server = createHttpServer(handler);
  }
  graph.connections.track(server);
  const host = options.host ?? "127.0.0.1";
  await listen(server, host, options.port ?? 0).catch((error: unknown) => {
    if (ownedCertDir) rmSync(ownedCertDir, { recursive: true, force: true });
    throw error;
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
    inFlight: () => inFlight,
    issueToken: (issue) => {
      const client = issue?.clientId === undefined ? firstClient : findClient(clients, issue.clientId);
      return tokens.issue(tokenOwner(client), issue?.lifetimeSeconds ?? tokenLifetimeSeconds);
    },
    setFaults: (next) => {
      faults = next ? new FaultInjector(next) : null;
    },
    seed: (objects) => objects.map((object) => store.create(seedFields(object, now()))),
  };
}

/** Listens, or says in one line why not: the port in use, a privileged port, an address not of this host. */
async function listen(server: Server, host: string, port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  }).catch((error: unknown) => {
    const code = errorCode(error);
    throw new EmulatorStartError(
      code === "EADDRINUSE"
        ? `port ${port} on ${host} is already in use`
        : `cannot listen on ${host} port ${port}: ${inWords(error)}`,
      code,
    );
  });
}

function findClient(clients: readonly EmulatorClient[], clientId: string): EmulatorClient {
  const client = clients.find((known) => known.clientId === clientId);
  if (!client) throw new Error(`No configured client has the id '${clientId}'.`);
  return client;
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
