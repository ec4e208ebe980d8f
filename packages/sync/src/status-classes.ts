import type { ObjectClass } from "./reconcile.js";

/** The classes of the status table, in its order: an object's, then `missing` for a certificate with no object. */
export const STATUS_CLASSES = [
  "in_sync",
  "drift",
  "orphan",
  "unmanaged",
  "superseded",
  "duplicate",
  "missing",
] as const satisfies readonly (ObjectClass | "missing")[];

/** A class of the status table: an object's, or `missing` for a file's certificate that has no object. */
export type StatusClass = (typeof STATUS_CLASSES)[number];
