import { startEmulator } from "./emulator.js";
import { generateTlsCertificate } from "./tls-certificate.js";
import type { EmulatorOptions, RunningEmulator } from "./types.js";

/** The collection path under a Graph base URL. */
export const COLLECTION = "/deviceAppManagement/enterpriseCodeSigningCertificates";

/** A started emulator with a valid token and a fetch wrapper that sends it. */
export interface TestGraph {
  emulator: RunningEmulator;
  token: string;
  /** Sends a request to `emulator.url + path`, JSON-encoding `body` unless it is a string. */
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<Response>;
}

/** Starts an emulator for a test and mints a token for it. */
export async function startTestGraph(options: EmulatorOptions = {}): Promise<TestGraph> {
  const emulator = await startEmulator(options);
  const token = emulator.issueToken();
  const call = (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    signal?: AbortSignal,
  ) =>
    fetch(`${emulator.url}${path}`, {
      method,
      ...(signal ? { signal } : {}),
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    });
  return { emulator, token, call };
}

/** Standard base64 of a freshly generated DER certificate, as `content` carries it. */
export async function certificateContent(): Promise<string> {
  const { certPem } = await generateTlsCertificate(Date.now());
  return certPem.replace(/-----[A-Z ]+-----|\s/g, "");
}

/** A minimal valid create body. */
export function createBody(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    "@odata.type": "#microsoft.graph.enterpriseCodeSigningCertificate",
    expirationDateTime: "2027-11-29T22:38:25Z",
    uploadDateTime: "2026-11-29T10:00:00.5+02:00",
    ...extra,
  };
}
