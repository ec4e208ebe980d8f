export { ALL_FAULT_KINDS, DEFAULT_CLIENT } from "./constants.js";
export { startEmulator } from "./emulator.js";
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
