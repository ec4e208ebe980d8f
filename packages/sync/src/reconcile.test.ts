import type { RemoteCertificate } from "@intune-codesign/uploader";
import { describe, expect, it } from "vitest";
import type { SentFields } from "./plan.js";
import { type Backer, classifyObjects } from "./reconcile.js";
import type { ManagedRecord } from "./state/store.js";
import { TenantIndex } from "./tenant.js";

const FIELDS: SentFields = {
  status: "provisioned",
  subject: "CN=Fabrikam, O=Fabrikam, C=US",
  subjectName: "Fabrikam",
  issuer: "CN=Root, C=US",
  issuerName: "Root",
  expirationDateTime: "2028-01-01T00:00:00Z",
};

function listed(id: string, fields: Partial<SentFields> = {}): RemoteCertificate {
  return { id, ...FIELDS, ...fields, uploadDateTime: null, content: null };
}

function backer(id: string | null, path: string, fields: Partial<SentFields> = {}, creates = false): Backer {
  return { path, sha256: `sha-${path}`, fields: { ...FIELDS, ...fields }, id, creates };
}

function managed(entries: Array<[id: string, path: string]>): Map<string, ManagedRecord[]> {
  return new Map(
    entries.map(([id, path]) => [
      id,
      [{ remoteId: id, fields: "{}", lastSent: "", shown: null, path, sha256: `old-${path}` }],
    ]),
  );
}

const OLD = { expirationDateTime: "2027-01-01T00:00:00Z" };

describe("classifyObjects", () => {
  it.each<[string, RemoteCertificate[], Backer[], Array<[string, string]>, string[]]>([
    [
      "backed, same meaning in another rendering: in_sync",
      [listed("a", { subject: "C=US,O=Fabrikam,CN=Fabrikam" })],
      [backer("a", "/c/f.pem")],
      [],
      ["in_sync"],
    ],
    [
      "backed, another status: drift",
      [listed("a", { status: "notProvisioned" })],
      [backer("a", "/c/f.pem")],
      [],
      ["drift"],
    ],
    ["written by this tool, no file: orphan", [listed("a")], [], [["a", "/c/f.pem"]], ["orphan"]],
    ["never written, no file: unmanaged", [listed("a")], [], [], ["unmanaged"]],
    [
      "renewed in the same file: superseded",
      [listed("old", OLD), listed("new")],
      [backer("new", "/c/f.pem")],
      [["old", "/c/f.pem"]],
      ["superseded", "in_sync"],
    ],
    [
      "renewed in the same folder, another file: superseded",
      [listed("old", OLD), listed("new")],
      [backer("new", "/c/f-2028.pem")],
      [["old", "/c/f-2027.pem"]],
      ["superseded", "in_sync"],
    ],
    [
      "a renewal the run creates supersedes too",
      [listed("old", OLD)],
      [backer(null, "/c/f.pem", {}, true)],
      [["old", "/c/f.pem"]],
      ["superseded"],
    ],
    [
      "the same subject in another folder: no renewal",
      [listed("old", OLD), listed("new")],
      [backer("new", "/d/f.pem")],
      [["old", "/c/f.pem"]],
      ["orphan", "in_sync"],
    ],
    [
      "an earlier expiry is no renewal",
      [listed("old"), listed("new", OLD)],
      [backer("new", "/c/f.pem", OLD)],
      [["old", "/c/f.pem"]],
      ["orphan", "in_sync"],
    ],
    [
      "another issuer is no renewal",
      [listed("old", OLD), listed("new", { issuer: "CN=Other" })],
      [backer("new", "/c/f.pem", { issuer: "CN=Other" })],
      [["old", "/c/f.pem"]],
      ["orphan", "in_sync"],
    ],
    [
      "a stranger's old object is not superseded: unmanaged",
      [listed("old", OLD), listed("new")],
      [backer("new", "/c/f.pem")],
      [],
      ["unmanaged", "in_sync"],
    ],
    [
      "a copy of a backed certificate: duplicate",
      [listed("a"), listed("copy")],
      [backer("a", "/c/f.pem")],
      [],
      ["in_sync", "duplicate"],
    ],
  ])("%s", (_case, objects, backers, records, classes) => {
    const result = classifyObjects(new TenantIndex(objects), backers, managed(records));
    expect(result.map((o) => o.class)).toEqual(classes);
  });

  it("drift names each field that differs, the tenant's value first", () => {
    const [drift] = classifyObjects(
      new TenantIndex([listed("a", { status: "notProvisioned", subject: "CN=Old" })]),
      [backer("a", "/c/f.pem")],
      new Map(),
    );
    expect(drift!.changes).toEqual([
      { field: "status", from: "notProvisioned", to: "provisioned" },
      { field: "subject", from: "CN=Old", to: FIELDS.subject },
    ]);
  });
});
