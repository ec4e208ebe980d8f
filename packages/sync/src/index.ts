export { isGuid, type MappingFile } from "./mapping.js";
export type { ExpiryMetric } from "./metrics.js";
export { printable } from "./printable.js";
export type { Progress } from "./progress.js";
export { formatSummary, type ItemAction, type Report, type ReportItem, reportJson } from "./report.js";
export { type RunStatus, runSync, type SyncOutcome, type SyncSettings } from "./run.js";
export { type LockOwner, RunLockedError } from "./state/lock.js";
export { StateStoreError } from "./state/state-path.js";
