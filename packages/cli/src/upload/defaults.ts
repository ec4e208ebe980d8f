import { DEFAULT_MAX_FILE_SIZE, DEFAULT_MAX_SIGNED_FILE_SIZE } from "../options.js";
import type { UploadFlags } from "./settings.js";

/** `upload`'s defaults: its command declares them, and the demo runs with them. */
export const UPLOAD_DEFAULTS = {
  cloud: "global",
  managedIdentity: false,
  maxFileSize: DEFAULT_MAX_FILE_SIZE,
  maxSignedFileSize: DEFAULT_MAX_SIGNED_FILE_SIZE,
  json: false,
  warnDays: 30,
  create: true,
  allowEmpty: false,
  force: false,
  dryRun: false,
  pruneGrace: 30 * 24 * 60 * 60 * 1000,
  maxDeletes: 10,
  status: "provisioned",
  fullDnNames: false,
  rateLimit: "100/20s",
  concurrency: 4,
  timeout: 30,
  retries: 6,
  logLevel: "info",
} as const satisfies Partial<UploadFlags>;
