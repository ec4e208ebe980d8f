import { describe, expect, it } from "vitest";
import { type PruneClass, pruneTargets } from "./prune.js";
import type { ClassifiedObject, ObjectClass } from "./reconcile.js";

const NOW = new Date("2027-06-01T00:00:00Z");
const DAY_MS = 24 * 60 * 60 * 1000;
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY_MS).toISOString();

const FIELDS = {
  status: "provisioned",
  subject: "CN=A",
  subjectName: "A",
  issuer: "CN=CA",
  issuerName: "CA",
  expirationDateTime: daysAgo(-300),
};

/** An object of a class, its certificate expired `expiredDays` ago (negative: in the future), managed or not. */
function object(
  cls: ObjectClass,
  expiredDays: number,
  options: { managed?: boolean; fileExpiredDays?: number } = {},
): ClassifiedObject {
  const managed = options.managed ?? true;
  return {
    object: {
      id: `${cls}-${expiredDays}`,
      status: "provisioned",
      subject: "CN=A",
      subjectName: "A",
      issuer: "CN=CA",
      issuerName: "CA",
      expirationDateTime: daysAgo(expiredDays),
      uploadDateTime: null,
    },
    class: cls,
    backer:
      options.fileExpiredDays === undefined
        ? null
        : {
            path: "/certs/a.cer",
            sha256: "a".repeat(64),
            fields: {
              ...FIELDS,
              status: "provisioned",
              expirationDateTime: daysAgo(options.fileExpiredDays),
            },
            id: `${cls}-${expiredDays}`,
            creates: false,
          },
    managed: managed
      ? {
          path: "/certs/a.cer",
          sha256: "a".repeat(64),
        }
      : null,
    changes: [],
  };
}

const prune = (objects: ClassifiedObject[], classes: PruneClass[], graceDays = 30) =>
  pruneTargets(objects, { classes, graceMs: graceDays * DAY_MS, maxDeletes: 10 }, NOW).map(
    ({ object: o, reason }) => [o.object.id, reason],
  );

describe("pruneTargets", () => {
  it.each<[string, ClassifiedObject, PruneClass[], string | null]>([
    ["an orphan, at once", object("orphan", -100), ["orphan"], "orphan"],
    ["an orphan needs --prune orphan", object("orphan", -100), ["expired", "superseded"], null],
    ["an expired orphan, by --prune expired past the grace", object("orphan", 31), ["expired"], "expired"],
    ["an expired orphan within the grace", object("orphan", 29), ["expired"], null],
    ["superseded past the grace", object("superseded", 31), ["superseded"], "superseded"],
    ["superseded within the grace", object("superseded", 29), ["superseded"], null],
    ["superseded and still valid", object("superseded", -10), ["superseded", "expired"], null],
    ["superseded past the grace, by --prune expired", object("superseded", 31), ["expired"], "expired"],
    [
      "unmanaged, whatever the flags",
      object("unmanaged", 400, { managed: false }),
      ["orphan", "expired", "superseded"],
      null,
    ],
    [
      "an object no record says this tool wrote",
      object("duplicate", 400, { managed: false }),
      ["expired"],
      null,
    ],
    [
      "in sync with an expired file past the grace",
      object("in_sync", 40, { fileExpiredDays: 40 }),
      ["expired"],
      "expired",
    ],
    [
      "drifted expiry, but the file's certificate is valid: the update fixes it",
      object("drift", 40, { fileExpiredDays: -200 }),
      ["expired"],
      null,
    ],
  ])("%s", (_case, o, classes, reason) => {
    expect(prune([o], classes)).toEqual(reason === null ? [] : [[o.object.id, reason]]);
  });
});
