import type { ClassifiedObject } from "./reconcile.js";
import { instantMs } from "./tenant.js";

/** What `--prune` may delete. `unmanaged` is not among them: an object this tool never wrote is never deleted. */
export const PRUNE_CLASSES = ["orphan", "expired", "superseded"] as const;
export type PruneClass = (typeof PRUNE_CLASSES)[number];

/** Pruning, opt-in: which classes, how long after expiry, and how many deletes a run may make at most. */
export interface PruneSettings {
  classes: PruneClass[];
  graceMs: number;
  maxDeletes: number;
}

/**
 * The objects a run prunes: only objects this tool wrote (the state store says so); orphans at once, expired and
 * superseded objects once their certificate has been expired for longer than the grace period (apps signed with it
 * may still need it trusted until then).
 */
export function pruneTargets(
  objects: ClassifiedObject[],
  settings: PruneSettings,
  now: Date,
): ClassifiedObject[] {
  const wanted = new Set<string>(settings.classes);
  const expiredLongAgo = (o: ClassifiedObject) => {
    const expiry = instantMs(o.object.expirationDateTime);
    return expiry !== null && expiry + settings.graceMs < now.getTime();
  };
  return objects.filter((o) => {
    if (o.managed === null || o.class === "unmanaged") return false;
    if (o.class === "orphan" && wanted.has("orphan")) return true;
    if (o.class === "superseded" && wanted.has("superseded")) return expiredLongAgo(o);
    return wanted.has("expired") && expiredLongAgo(o);
  });
}
