export { type AuthOptions, createTokenProvider } from "./auth.js";
export { AuthError } from "./auth-error.js";
export {
  type BodyFields,
  type BodyOptions,
  type BodySource,
  bodyFields,
  buildBody,
  type CertificateBody,
  type CertificateStatus,
} from "./body.js";
export {
  GraphClient,
  type GraphClientOptions,
  type ReadOptions,
  type WriteOptions,
  type WriteResult,
} from "./client.js";
export { type CloudName, cloudEndpoints, isLoopbackHost, validateGraphUrl } from "./cloud.js";
export { ConfigError } from "./config-error.js";
export { GraphError, type GraphErrorDetails } from "./graph-error.js";
export { NetworkError } from "./network-error.js";
export { DEFAULT_RATE_LIMIT, type Grant, parseRateLimit, RateLimiter } from "./pacing.js";
export { REDACT_PATHS } from "./redact.js";
export {
  instantKey,
  matchesCertificate,
  type RemoteCertificate,
  sameInstant,
  toRemoteCertificate,
} from "./remote.js";
export { backoffMs, isRetryableNetworkError, isRetryableStatus, retryAfterMs } from "./retry.js";
export { readSecretFile } from "./secrets.js";
export type { TokenProvider } from "./token-provider.js";
