export { DEFAULT_CLIENT, startEmulator } from "./emulator.js";
export { ALL_FAULT_KINDS, mulberry32 } from "./fault-injector.js";
export { generateTlsCertificate } from "./tls-certificate.js";
export type {
  EmulatorClient,
  EmulatorOptions,
  FaultKind,
  FaultOptions,
  RateLimit,
  RecordedRequest,
  RunningEmulator,
  StoredObject,
  TlsCertificate,
} from "./types.js";
