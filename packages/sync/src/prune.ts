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
): Array<{ object: ClassifiedObject; reason: PruneClass }> {
  const wanted = new Set<string>(settings.classes);
  // The certificate's expiry: the file's where a file backs the object (a drifted expiry is fixed by the update),
  // else what the tenant shows.
  const expiredLongAgo = (o: ClassifiedObject) => {
    const backed = o.class === "in_sync" || o.class === "drift" || o.class === "duplicate";
    const expiry = instantMs(
      backed ? (o.backer?.fields.expirationDateTime ?? null) : o.object.expirationDateTime,
    );
    return expiry !== null && expiry + settings.graceMs < now.getTime();
  };
  const reasonFor = (o: ClassifiedObject): PruneClass | null => {
    if (o.managed === null || o.class === "unmanaged") return null;
    if (o.class === "orphan" && wanted.has("orphan")) return "orphan";
    if (!expiredLongAgo(o)) return null;
    if (o.class === "superseded" && wanted.has("superseded")) return "superseded";
    return wanted.has("expired") ? "expired" : null;
  };
  return objects.flatMap((object) => {
    const reason = reasonFor(object);
    return reason === null ? [] : [{ object, reason }];
  });
}
