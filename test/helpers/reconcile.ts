import type { StoredObject } from "@intune-codesign/graph-emulator";
import type { TestCertificate } from "@intune-codesign/testkit/certificates";
import { runCli } from "./cli.js";
import { DEFAULT_FAULTS, type ReportItem, type Scenario, TOKEN } from "./scenario.js";

/** One entry of `status --json`. */
export interface StatusEntry {
  class: string;
  expired: boolean;
  expiring: boolean;
  id: string | null;
  status: string | null;
  subject: string | null;
  issuer: string | null;
  expirationDateTime: string | null;
  uploadDateTime: string | null;
  path: string | null;
  sha256: string | null;
  changes: Array<{ field: string; from: string | null; to: string | null }> | null;
  reason: string | null;
}

/** `status --json` as printed. */
export interface StatusDocument {
  result: string;
  error: { code: string; message: string } | null;
  summary: Record<string, number>;
  problems: Array<{ path: string; code: string; message: string }>;
  entries: StatusEntry[];
}

/** Runs `status` against the scenario's emulator and state; `folders` default to the scenario's certificates. */
export async function status(
  scenario: Scenario,
  extra: string[] = [],
  folders: string[] = [scenario.certs],
): Promise<{ code: number | null; stdout: string; stderr: string; document: StatusDocument | null }> {
  const result = await runCli([
    "status",
    "--graph-url",
    scenario.emulator.url,
    "--access-token-file",
    scenario.tokenFile,
    "--state",
    scenario.state,
    ...extra,
    ...folders,
  ]);
  let document: StatusDocument | null = null;
  if (extra.includes("--json")) document = JSON.parse(result.stdout) as StatusDocument;
  return { ...result, document };
}

/** The CN of a test certificate's subject. */
export function cn(certificate: TestCertificate): string {
  return certificate.certificate.subjectName.getField("CN")[0]!;
}

/** The subject a listing shows for a test certificate issued by the test CA, as this tool renders it. */
export function listedAs(
  certificate: TestCertificate,
  overrides: Partial<StoredObject> = {},
): Partial<StoredObject> {
  return {
    status: "provisioned",
    subject: `CN=${cn(certificate)}, O=Contoso, C=US`,
    subjectName: cn(certificate),
    issuer: "CN=Test Root CA, O=Test Org, C=US",
    issuerName: "Test Root CA",
    expirationDateTime: certificate.certificate.notAfter.toISOString(),
    uploadDateTime: "2026-01-01T00:00:00Z",
    content: null,
    ...overrides,
  };
}

/** Changes an object in the tenant as an admin would in the console: a real PATCH to the emulator. */
export async function editObject(
  scenario: Scenario,
  id: string,
  fields: Record<string, unknown>,
): Promise<void> {
  // The console is not what is under test: no injected faults for its edit.
  scenario.emulator.setFaults(undefined);
  const response = await fetch(
    `${scenario.emulator.url}/deviceAppManagement/enterpriseCodeSigningCertificates/${id}`,
    {
      method: "PATCH",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify(fields),
    },
  );
  scenario.emulator.setFaults(DEFAULT_FAULTS);
  if (!response.ok) throw new Error(`PATCH ${id}: HTTP ${response.status}`);
}

/** A report item as the dry-run comparison sees it: what is done, to what, and why (a create's new id aside). */
export function planned(item: ReportItem) {
  return {
    path: item.path,
    sha256: item.sha256,
    id: item.action === "created" ? null : item.id,
    action: item.action,
    subject: item.subject,
    reason: item.reason,
    changes: item.changes,
    error: item.error?.code ?? null,
  };
}
