import type { RemoteCertificate } from "@intune-codesign/uploader";
import { describe, expect, it } from "vitest";
import {
  type Candidate,
  type Decision,
  type PlanContext,
  planCandidates,
  type SentFields,
  serializeFields,
} from "./plan.js";
import type { SentRecord } from "./state/store.js";
import { renderingDigest, TenantIndex } from "./tenant.js";

const ID_A = "aaaaaaaa-0000-4000-8000-000000000001";
const ID_B = "bbbbbbbb-0000-4000-8000-000000000002";
const ID_C = "cccccccc-0000-4000-8000-000000000003";
const ID_D = "dddddddd-0000-4000-8000-000000000004";
const SHA_1 = "1".repeat(64);
const SHA_2 = "2".repeat(64);

const FIELDS: SentFields = {
  status: "provisioned",
  subject: "CN=Alpha Signing, O=Contoso, C=US",
  subjectName: "Alpha Signing",
  issuer: "CN=Test Root CA, O=Test Org, C=US",
  issuerName: "Test Root CA",
  expirationDateTime: "2027-11-29T22:38:25Z",
};

function candidate(overrides: Partial<Candidate> = {}): Candidate {
  return { path: "/certs/alpha.cer", sha256: SHA_1, mapped: null, fields: FIELDS, ...overrides };
}

/** A listed object showing exactly what `fields` say (as Intune lists it: content null). */
function remote(id: string, fields: Partial<SentFields> = {}): RemoteCertificate {
  const shown = { ...FIELDS, ...fields };
  return {
    id,
    status: shown.status,
    subject: shown.subject,
    subjectName: shown.subjectName,
    issuer: shown.issuer,
    issuerName: shown.issuerName,
    expirationDateTime: shown.expirationDateTime,
    uploadDateTime: "2026-01-01T00:00:00Z",
    content: null,
  };
}

/** The store's record of a write of `fields` to `id`, after which the tenant showed `remote(id)`. */
function sentTo(id: string, fields: SentFields = FIELDS): SentRecord {
  return {
    remoteId: id,
    fields: serializeFields(fields),
    lastSent: "2026-01-01T00:00:00Z",
    shown: renderingDigest(remote(id)),
    path: "/certs/alpha.cer",
  };
}

/** A decision without the update's field changes and cause, for the route tables. */
type Routed =
  | Exclude<Decision, { action: "update" }>
  | Omit<Extract<Decision, { action: "update" }>, "changes" | "cause">;

function routeOf(decision: Decision): Routed {
  if (decision.action !== "update") return decision;
  const { changes: _changes, cause: _cause, ...rest } = decision;
  return rest;
}

function context(overrides: {
  tenant?: RemoteCertificate[];
  sent?: Record<string, SentRecord>;
  force?: boolean;
  create?: boolean;
}): PlanContext {
  const sent = overrides.sent ?? {};
  return {
    tenant: new TenantIndex(overrides.tenant ?? []),
    sent: (sha256) => sent[sha256] ?? null,
    force: overrides.force ?? false,
    create: overrides.create ?? true,
  };
}

function planOne(c: Candidate, ctx: PlanContext): Decision {
  const [decision] = planCandidates([c], ctx);
  return decision!;
}

describe("planCandidates: routes, in the documented order", () => {
  // Every case offers the routes after the expected one too, so a wrong order picks another id.
  const GUID_PATH = `/certs/${ID_C}.cer`;
  it.each<[string, Candidate, Parameters<typeof context>[0], Routed]>([
    [
      "the map file beats everything",
      candidate({ path: GUID_PATH, mapped: ID_A }),
      {
        sent: { [SHA_1]: sentTo(ID_B) },
        tenant: [remote(ID_A), remote(ID_B), remote(ID_C), remote(ID_D)],
      },
      { action: "update", id: ID_A, route: "map" },
    ],
    [
      "a mapped id the tenant does not list is not_found, as the real write would be (never a create)",
      candidate({ mapped: ID_A }),
      { tenant: [remote(ID_D)] },
      {
        action: "fail",
        code: "not_found",
        message: `object ${ID_A} (named by the map file) is not in the tenant`,
        id: ID_A,
      },
    ],
    [
      "a GUID file name the tenant does not list is not_found",
      candidate({ path: `/certs/${ID_C}.cer` }),
      { tenant: [remote(ID_D)] },
      {
        action: "fail",
        code: "not_found",
        message: `object ${ID_C} (named by the file name) is not in the tenant`,
        id: ID_C,
      },
    ],
    [
      "state, when the tenant still lists its id",
      candidate({ path: GUID_PATH }),
      {
        sent: { [SHA_1]: sentTo(ID_B, { ...FIELDS, status: "notProvisioned" }) },
        tenant: [remote(ID_B), remote(ID_D)],
      },
      { action: "update", id: ID_B, route: "state" },
    ],
    [
      "state with an upper-case id is matched and lower-cased",
      candidate(),
      {
        sent: { [SHA_1]: sentTo(ID_B.toUpperCase(), { ...FIELDS, status: "notProvisioned" }) },
        tenant: [remote(ID_B)],
      },
      { action: "update", id: ID_B, route: "state" },
    ],
    [
      "not state when the tenant no longer lists its id: the GUID file name is next",
      candidate({ path: GUID_PATH }),
      { sent: { [SHA_1]: sentTo(ID_B) }, tenant: [remote(ID_C, { status: "notProvisioned" }), remote(ID_D)] },
      { action: "update", id: ID_C, route: "file-name" },
    ],
    [
      "a GUID file name (upper-case) beats a remote match",
      candidate({ path: `/certs/${ID_C.toUpperCase()}.pem` }),
      { tenant: [remote(ID_C, { status: "notProvisioned" }), remote(ID_D)] },
      { action: "update", id: ID_C, route: "file-name" },
    ],
    [
      "remote match on subject, issuer and expiry as instants (7 fractional digits, another offset)",
      candidate(),
      {
        tenant: [
          remote(ID_D.toUpperCase(), {
            expirationDateTime: "2027-11-29T23:38:25.0000000+01:00",
            subjectName: "something else",
            status: "notProvisioned",
          }),
        ],
      },
      { action: "update", id: ID_D, route: "match" },
    ],
    [
      "no match when the expiry differs by 100 ns (instants compared to the tick, as sameInstant does)",
      candidate(),
      { tenant: [remote(ID_D, { expirationDateTime: "2027-11-29T22:38:25.0000001Z" })] },
      { action: "create" },
    ],
    [
      "no match when the subject differs",
      candidate(),
      { tenant: [remote(ID_D, { subject: "CN=Alpha Signing, O=Contoso" })] },
      { action: "create" },
    ],
    [
      "no match when the issuer differs",
      candidate(),
      { tenant: [remote(ID_D, { issuer: "CN=Other CA" })] },
      { action: "create" },
    ],
    ["create when nothing is found", candidate(), { tenant: [] }, { action: "create" }],
    [
      "--no-create: unmapped",
      candidate(),
      { tenant: [], create: false },
      { action: "skip", reason: "unmapped" },
    ],
    [
      "--no-create still updates a found object",
      candidate(),
      { tenant: [remote(ID_D)], create: false },
      { action: "update", id: ID_D, route: "match" },
    ],
  ])("%s", (_name, c, ctx, expected) => {
    expect(routeOf(planOne(c, context(ctx)))).toEqual(expected);
  });

  it("a GUID only in a folder's name is not a file-name route", () => {
    expect(planOne(candidate({ path: `/certs/${ID_C}/alpha.cer` }), context({}))).toEqual({
      action: "create",
    });
  });
});

describe("planCandidates: failures, never a guess", () => {
  it("two objects with the same subject, issuer and expiry are ambiguous_match", () => {
    const decision = planOne(candidate(), context({ tenant: [remote(ID_A), remote(ID_B)] }));
    expect(decision).toEqual({
      action: "fail",
      code: "ambiguous_match",
      message: `2 objects in the tenant have this subject, issuer and expiry: ${ID_A}, ${ID_B}; map the certificate explicitly with --map`,
      id: null,
    });
  });

  it("an earlier route wins over an ambiguous match", () => {
    const decision = planOne(candidate({ mapped: ID_B }), context({ tenant: [remote(ID_A), remote(ID_B)] }));
    expect(routeOf(decision)).toEqual({ action: "update", id: ID_B, route: "map" });
  });

  it("one object claimed by two certificates: the second is id_conflict", () => {
    const second = candidate({ path: "/certs/beta.cer", sha256: SHA_2, mapped: ID_A });
    const decisions = planCandidates(
      [candidate({ mapped: ID_A }), second],
      context({ tenant: [remote(ID_A)] }),
    );
    expect(decisions.map(routeOf)).toEqual([
      { action: "update", id: ID_A, route: "map" },
      {
        action: "fail",
        code: "id_conflict",
        message: `object ${ID_A} is already the target of certificate ${SHA_1} in this run`,
        id: ID_A,
      },
    ]);
  });

  it("a state id and a remote match naming one object (any case): the second is id_conflict", () => {
    const second = candidate({ path: "/certs/copy.cer", sha256: SHA_2 });
    const decisions = planCandidates(
      [candidate(), second],
      context({ sent: { [SHA_1]: sentTo(ID_D.toUpperCase()) }, tenant: [remote(ID_D)] }),
    );
    expect(decisions.map((d) => [d.action, "code" in d ? d.code : null])).toEqual([
      ["unchanged", null],
      ["fail", "id_conflict"],
    ]);
  });

  it("creates do not claim anything: two certificates without objects are both created", () => {
    const second = candidate({
      path: "/certs/beta.cer",
      sha256: SHA_2,
      fields: { ...FIELDS, subject: "CN=Beta" },
    });
    expect(planCandidates([candidate(), second], context({}))).toEqual([
      { action: "create" },
      { action: "create" },
    ]);
  });
});

describe("planCandidates: unchanged", () => {
  const inSync = { sent: { [SHA_1]: sentTo(ID_A) }, tenant: [remote(ID_A)] };
  const unchanged = (route: string, shown: string | null = null) => ({
    action: "unchanged",
    id: ID_A,
    route,
    shown,
  });

  it("unchanged when the state's fields equal the certificate's and the tenant shows the rendering recorded", () => {
    expect(planOne(candidate(), context(inSync))).toEqual(unchanged("state"));
  });

  it("unchanged through the map route too", () => {
    expect(planOne(candidate({ mapped: ID_A }), context(inSync))).toEqual(unchanged("map"));
  });

  it.each<[string, Partial<SentFields>]>([
    [
      "an expiry with 7 fractional digits and an offset",
      { expirationDateTime: "2027-11-30T00:38:25.0000000+02:00" },
    ],
    ["the subject in RFC 4514 order and spacing", { subject: "C=US,O=Contoso,CN=Alpha Signing" }],
    [
      "the issuer with spaces folded and no space after commas",
      { issuer: "CN=Test  Root CA,O=Test Org,C=US" },
    ],
    ["another subjectName (simple names count only through the full names)", { subjectName: "Alpha" }],
    ["another issuerName", { issuerName: null as unknown as string }],
  ])("unchanged when the tenant shows %s, and that rendering is to be recorded", (_name, shown) => {
    const object = remote(ID_A, shown);
    expect(planOne(candidate(), context({ ...inSync, tenant: [object] }))).toEqual(
      unchanged("state", renderingDigest(object)),
    );
  });

  it("a rendering recorded is compared exactly: no change to record", () => {
    const object = remote(ID_A, { subject: "C=US,O=Contoso,CN=Alpha Signing" });
    const sent = { ...sentTo(ID_A), shown: renderingDigest(object) };
    expect(planOne(candidate(), context({ sent: { [SHA_1]: sent }, tenant: [object] }))).toEqual(
      unchanged("state"),
    );
  });

  it("--force sends anyway, and says so", () => {
    expect(planOne(candidate(), context({ ...inSync, force: true }))).toEqual({
      action: "update",
      id: ID_A,
      route: "state",
      changes: [],
      cause: "force",
    });
  });

  it("an object the tenant shows as the certificate, with no write of it recorded, is updated: 'unrecorded'", () => {
    expect(planOne(candidate(), context({ tenant: [remote(ID_A)] }))).toEqual({
      action: "update",
      id: ID_A,
      route: "match",
      changes: [],
      cause: "unrecorded",
    });
  });

  it.each<[string, Partial<SentFields>, Array<[string, string | null, string | null]>]>([
    ["status", { status: "notProvisioned" }, [["status", "notProvisioned", "provisioned"]]],
    [
      "expiry 100 ns later",
      { expirationDateTime: "2027-11-29T22:38:25.0000001Z" },
      [["expirationDateTime", "2027-11-29T22:38:25.0000001Z", FIELDS.expirationDateTime]],
    ],
    [
      "expiry null",
      { expirationDateTime: null as unknown as string },
      [["expirationDateTime", null, FIELDS.expirationDateTime]],
    ],
  ])(
    "updated, naming the field, when the listed object no longer shows the %s sent",
    (_name, shown, changes) => {
      // subject/issuer unchanged so the state route still applies; only what the object shows differs.
      const tenant = [remote(ID_A, shown)];
      expect(planOne(candidate(), context({ ...inSync, tenant }))).toEqual({
        action: "update",
        id: ID_A,
        route: "state",
        changes: changes.map(([field, from, to]) => ({ field, from, to })),
        cause: null,
      });
    },
  );

  it.each<[string, Partial<SentFields>]>([
    ["subject", { subject: "CN=Alpha Signing" }],
    ["issuer", { issuer: "CN=Other" }],
  ])("updated when the listed object shows another %s", (field, shown) => {
    const tenant = [remote(ID_A, shown)];
    expect(planOne(candidate(), context({ ...inSync, tenant }))).toEqual({
      action: "update",
      id: ID_A,
      route: "state",
      changes: [{ field, from: Object.values(shown)[0], to: FIELDS[field as "subject" | "issuer"] }],
      cause: null,
    });
  });

  it("updated when the state's fields differ from the certificate's (e.g. --status changed)", () => {
    const fields = { ...FIELDS, status: "notProvisioned" as const };
    const tenant = [remote(ID_A, { status: "notProvisioned" })];
    expect(planOne(candidate({ fields }), context({ ...inSync, tenant }))).toEqual({
      action: "update",
      id: ID_A,
      route: "state",
      changes: [],
      cause: "settings_changed",
    });
  });

  it("updated when the certificate was last sent to another object than the one found", () => {
    const ctx = context({ sent: { [SHA_1]: sentTo(ID_B) }, tenant: [remote(ID_A), remote(ID_B)] });
    expect(routeOf(planOne(candidate({ mapped: ID_A }), ctx))).toEqual({
      action: "update",
      id: ID_A,
      route: "map",
    });
  });

  it("updated, not unchanged, when the state's object is gone and a remote match is found", () => {
    const ctx = context({ sent: { [SHA_1]: sentTo(ID_B) }, tenant: [remote(ID_D)] });
    expect(routeOf(planOne(candidate(), ctx))).toEqual({ action: "update", id: ID_D, route: "match" });
  });

  it("unchanged when the state recorded the id in upper case", () => {
    const sent = { ...sentTo(ID_A), remoteId: ID_A.toUpperCase() };
    const ctx = context({ sent: { [SHA_1]: sent }, tenant: [remote(ID_A)] });
    expect(planOne(candidate(), ctx)).toEqual(unchanged("state"));
  });
});

describe("TenantIndex", () => {
  it("looks ids up case-insensitively and ignores objects without a full identity for matching", () => {
    const index = new TenantIndex([
      remote(ID_A.toUpperCase()),
      { ...remote(ID_B), subject: null },
      { ...remote(ID_C), expirationDateTime: "not a date" },
    ]);
    expect([index.has(ID_A), index.has(ID_B.toUpperCase()), index.has(ID_C), index.has(ID_D)]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(index.matching(FIELDS)).toEqual([ID_A.toUpperCase()]);
  });

  it("matching compares names as names and the expiry as an instant", () => {
    const index = new TenantIndex([
      remote(ID_A, {
        subject: "C=US,O=Contoso,CN=Alpha Signing",
        expirationDateTime: "2027-11-30T00:38:25.00+02:00",
      }),
      remote(ID_B, { issuer: "CN=Test Root CA,O=Test Org,ST=WA,C=US" }),
    ]);
    expect(index.matching(FIELDS)).toEqual([ID_A]);
  });

  it("matching lists every object with the certificate's identity, in listing order", () => {
    const index = new TenantIndex([
      remote(ID_B),
      remote(ID_D, { subject: "CN=Other" }),
      remote(ID_A),
      remote(ID_C),
    ]);
    expect(index.matching(FIELDS)).toEqual([ID_B, ID_A, ID_C]);
  });
});
