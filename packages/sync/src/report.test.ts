import { describe, expect, it } from "vitest";
import { buildReport, formatSummary, type ReportItem } from "./report.js";

const SHA_A = "a1".repeat(32);
const SHA_B = "b2".repeat(32);
const SHA_C = "c3".repeat(32);
const SHA_D = "d4".repeat(32);

const item = (overrides: Partial<ReportItem>): ReportItem => ({
  path: "/certs/x.cer",
  sha256: null,
  id: null,
  action: "skipped",
  subject: null,
  reason: null,
  changes: null,
  attempts: 0,
  error: null,
  signature: null,
  warning: null,
  ...overrides,
});

const ITEMS: ReportItem[] = [
  item({ path: "/certs/a.cer", sha256: SHA_A, id: "id-a", action: "created", attempts: 1 }),
  item({ path: "/certs/b.cer", sha256: SHA_B, id: "id-b", action: "updated", attempts: 3 }),
  item({ path: "/certs/c.cer", sha256: SHA_C, id: "id-c", action: "unchanged" }),
  item({ path: "/certs/ca.cer", sha256: SHA_D, action: "skipped", reason: "ca_certificate" }),
  item({
    path: "/certs/broken.cer",
    action: "failed",
    error: { code: "malformed", message: "truncated DER" },
  }),
  item({
    path: "/certs/d.cer",
    sha256: SHA_D,
    action: "failed",
    attempts: 7,
    error: { code: "graph_error", message: "HTTP 500 InternalServerError: boom" },
  }),
];

describe("buildReport", () => {
  it("derives the summary: certificates are items with a sha256, a failed file counts as failed only", () => {
    expect(buildReport(6, ITEMS, [], false)).toEqual({
      dryRun: false,
      summary: {
        files: 6,
        certificates: 5,
        created: 1,
        updated: 1,
        unchanged: 1,
        skipped: 1,
        failed: 2,
        superseded: 0,
        deleted: 0,
      },
      warnings: [],
      items: ITEMS,
    });
  });

  it("objects superseded or deleted are counted as such, not as certificates", () => {
    const objects = [
      item({ sha256: SHA_A, id: "id-old", action: "superseded", reason: `renewed by ${SHA_B}` }),
      item({ sha256: SHA_C, id: "id-gone", action: "deleted", reason: "orphan" }),
    ];
    expect(buildReport(1, [ITEMS[0]!, ...objects], [], true).summary).toEqual({
      files: 1,
      certificates: 1,
      created: 1,
      updated: 0,
      unchanged: 0,
      skipped: 0,
      failed: 0,
      superseded: 1,
      deleted: 1,
    });
  });

  it("an empty run", () => {
    expect(buildReport(0, [], [], true)).toEqual({
      dryRun: true,
      summary: {
        files: 0,
        certificates: 0,
        created: 0,
        updated: 0,
        unchanged: 0,
        skipped: 0,
        failed: 0,
        superseded: 0,
        deleted: 0,
      },
      warnings: [],
      items: [],
    });
  });
});

describe("formatSummary", () => {
  it("prints the counts and each failure with its code, message and short sha256", () => {
    expect(formatSummary(buildReport(6, ITEMS, [], false), false)).toBe(
      [
        "6 file(s), 5 certificate(s): 1 created, 1 updated, 1 unchanged, 1 skipped, 2 failed",
        "  failed   /certs/broken.cer: malformed: truncated DER",
        `  failed   /certs/d.cer (${SHA_D.slice(0, 12)}): graph_error: HTTP 500 InternalServerError: boom`,
      ].join("\n"),
    );
  });

  it("prints each warning, and a message every failure shares once (a refused credential: once per run)", () => {
    const refused = { code: "auth_failed", message: "AADSTS7000215: Invalid client secret provided." };
    const items = [
      item({ path: "/certs/a.cer", sha256: SHA_A, action: "failed", error: refused }),
      item({ path: "/certs/b.cer", sha256: SHA_B, action: "failed", error: refused }),
    ];
    const warning = {
      code: "empty_folder" as const,
      message: "/mnt/empty yielded no file",
      subject: "/mnt/empty",
    };
    expect(formatSummary(buildReport(2, items, [warning]), false)).toBe(
      [
        "2 file(s), 2 certificate(s): 0 created, 0 updated, 0 unchanged, 0 skipped, 2 failed",
        "  warning  empty_folder: /mnt/empty yielded no file",
        "  failed   all 2: auth_failed: AADSTS7000215: Invalid client secret provided.",
        `  failed   /certs/a.cer (${SHA_A.slice(0, 12)})`,
        `  failed   /certs/b.cer (${SHA_B.slice(0, 12)})`,
      ].join("\n"),
    );
  });

  it("says 'would be' for a dry run", () => {
    expect(formatSummary(buildReport(1, [ITEMS[0]!, ITEMS[1]!], [], true), true)).toBe(
      "1 file(s), 2 certificate(s): 1 would be created, 1 would be updated, 0 unchanged, 0 skipped, 0 failed",
    );
  });
});
