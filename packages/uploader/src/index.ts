export { INTUNE_REQUEST_LIMIT } from "@intune-codesign/graph-contract";
export { type AuthOptions, createTokenProvider } from "./auth.js";
export { AuthError, type AuthFailureReason } from "./auth-error.js";
export {
  type BodyFields,
  type BodyOptions,
  bodyFields,
  buildBody,
  type CertificateBody,
  type CertificateStatus,
} from "./body.js";
export {
  type DeleteResult,
  GraphClient,
  type GraphClientOptions,
  type ReadOptions,
  type WriteOptions,
  type WriteResult,
} from "./client.js";
export { type CloudName, cloudEndpoints, validateGraphUrl } from "./cloud.js";
export { ConfigError } from "./config-error.js";
export { FileTokenProvider } from "./file-token-provider.js";
export { GraphError } from "./graph-error.js";
export { NetworkError, type NetworkFailureKind } from "./network-error.js";
export { DEFAULT_RATE_LIMIT, type Grant, parseRateLimit, RateLimiter } from "./pacing.js";
export { PermissionError } from "./permission-error.js";
export { REDACT_PATHS } from "./redact.js";
export { instantKey, type RemoteCertificate } from "./remote.js";
export { MAX_SECRET_FILE_SIZE, readSecretBytes, readSecretFile } from "./secrets.js";
export { StoppedError } from "./stopped-error.js";
export type { TokenProvider } from "./token-provider.js";
export { defaultTransport, type Transport } from "./transport.js";
