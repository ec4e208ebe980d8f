export { ALL_FAULT_KINDS, DEFAULT_CLIENT } from "./constants.js";
export { startEmulator } from "./emulator.js";
export { mulberry32 } from "./fault-injector.js";
export { EmulatorStartError } from "./start-error.js";
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
