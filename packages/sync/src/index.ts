export { isGuid, type MappingFile } from "./mapping.js";
export type { ExpiryMetric } from "./metrics.js";
export { isExpectedOsError, osErrorWords } from "./os-error.js";
export { OutputPathError, prepareOutputPath } from "./output-path.js";
export { printable } from "./printable.js";
export type { Progress } from "./progress.js";
export type { PruneClass, PruneSettings } from "./prune.js";
export {
  formatSummary,
  type ItemAction,
  type ItemSignature,
  type Report,
  type ReportItem,
  reportJson,
} from "./report.js";
export { type RunStatus, runSync, type SyncOutcome, type SyncSettings } from "./run.js";
export { type LockOwner, RunLockedError } from "./state/lock.js";
export { StateStoreError } from "./state/state-path.js";
export {
  runStatus,
  type StatusEntry,
  type StatusOutcome,
  type StatusResult,
  type StatusSettings,
} from "./status.js";
export { STATUS_CLASSES, type StatusClass } from "./status-classes.js";
export type { FieldChange } from "./tenant.js";
export { tenantScope } from "./tenant.js";
