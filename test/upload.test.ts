import { mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  makeCa,
  makeLeaf,
  SERVER_AUTH,
  sha256Of,
  type TestCertificate,
  writePkcs12,
} from "@intune-codesign/testkit/certificates";
import Database from "better-sqlite3";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { Scenario } from "./helpers/scenario.js";

let ca: TestCertificate;
let alpha: TestCertificate;
let beta: TestCertificate;

beforeAll(async () => {
  ca = await makeCa();
  alpha = await makeLeaf(ca, { subject: "C=US, O=Contoso, CN=Alpha Signing" });
  beta = await makeLeaf(ca, { subject: "C=US, O=Contoso, CN=Beta Signing", days: 500 });
});

let scenario: Scenario;
afterEach(async () => {
  await scenario?.close();
});

/** The counts of the run's "files read" log line. */
function filesRead(stderr: string): { parsed: number; cached: number } {
  const line = stderr.split("\n").find((l) => l.includes('"msg":"files read"'));
  const { parsed, cached } = JSON.parse(line ?? "{}");
  return { parsed, cached };
}

const GUID = "b20d3703-3703-b20d-0337-0db203370db2";

/** A listed object as Intune would show it for a certificate (what the remote-match route compares). */
function remoteFor(certificate: TestCertificate, id?: string) {
  return {
    ...(id ? { id } : {}),
    status: "provisioned" as const,
    subject: `CN=${certificate.certificate.subjectName.getField("CN")[0]}, O=Contoso, C=US`,
    subjectName: certificate.certificate.subjectName.getField("CN")[0]!,
    issuer: "CN=Test Root CA, O=Test Org, C=US",
    issuerName: "Test Root CA",
    expirationDateTime: certificate.certificate.notAfter.toISOString(),
    uploadDateTime: "2026-01-01T00:00:00Z",
    content: null,
  };
}

describe("upload against the emulator, with faults injected", () => {
  it("creates each certificate once, then finds everything unchanged with zero writes", async () => {
    scenario = await Scenario.start();
    scenario.write("alpha.cer", alpha.der);
    scenario.write("nested/beta.pem", `text before\n${beta.pem}\ntext after\n`);

    const first = await scenario.upload();
    expect(first.code).toBe(0);
    expect(first.report.summary).toEqual({
      files: 2,
      certificates: 2,
      created: 2,
      updated: 0,
      unchanged: 0,
      skipped: 0,
      failed: 0,
      superseded: 0,
      deleted: 0,
    });
    const objects = scenario.emulator.objects();
    expect(objects).toHaveLength(2);
    const alphaObject = objects.find((o) => o.subjectName === "Alpha Signing")!;
    expect(alphaObject).toMatchObject({
      status: "provisioned",
      subject: "CN=Alpha Signing, O=Contoso, C=US",
      issuer: "CN=Test Root CA, O=Test Org, C=US",
      issuerName: "Test Root CA",
      content: alpha.der.toString("base64"),
    });
    expect(Date.parse(alphaObject.expirationDateTime)).toBe(
      Math.floor(alpha.certificate.notAfter.getTime() / 1000) * 1000,
    );
    const alphaItem = first.report.items.find((i) => i.sha256 === sha256Of(alpha))!;
    expect(alphaItem).toMatchObject({ action: "created", id: alphaObject.id, reason: null, error: null });
    expect(alphaItem.attempts).toBeGreaterThanOrEqual(1);

    const writesBefore = scenario.writeRequests();
    const second = await scenario.upload();
    expect(second.code).toBe(0);
    expect(second.report.summary).toMatchObject({ created: 0, updated: 0, unchanged: 2, failed: 0 });
    expect(scenario.writeRequests()).toBe(writesBefore);
    expect(scenario.emulator.objects()).toHaveLength(2);
  });

  it("updates through the map file, by relative path and by sha256", async () => {
    scenario = await Scenario.start();
    const [byPath, bySha] = scenario.emulator.seed([
      remoteFor(alpha),
      { ...remoteFor(beta), subject: "stale" },
    ]);
    scenario.write("team/alpha.cer", alpha.der);
    scenario.write("beta.cer", beta.der);
    const map = join(scenario.root, "map.json");
    writeFileSync(
      map,
      JSON.stringify({ "team/alpha.cer": byPath!.id, [`sha256:${sha256Of(beta)}`]: bySha!.id }),
    );
    // A stale subject would defeat the remote match; only the map can route beta to its object.
    const result = await scenario.upload(["--map", map]);
    expect(result.code).toBe(0);
    expect(result.report.items.map((i) => [i.action, i.id])).toEqual([
      ["updated", bySha!.id],
      ["updated", byPath!.id],
    ]);
    expect(scenario.emulator.objects()).toHaveLength(2);
    expect(scenario.emulator.objects().find((o) => o.id === bySha!.id)!.subject).toBe(
      "CN=Beta Signing, O=Contoso, C=US",
    );
  });

  it("updates through the state store when a field changes, and through a GUID file name", async () => {
    scenario = await Scenario.start();
    scenario.emulator.seed([{ ...remoteFor(beta, GUID), subject: "old" }]);
    scenario.write("alpha.cer", alpha.der);
    scenario.write(`${GUID}.cer`, beta.der);
    const first = await scenario.upload();
    expect(first.code).toBe(0);
    expect(first.report.items.find((i) => i.sha256 === sha256Of(beta))).toMatchObject({
      action: "updated",
      id: GUID,
    });
    const alphaId = first.report.items.find((i) => i.sha256 === sha256Of(alpha))!.id;

    const second = await scenario.upload(["--status", "notProvisioned"]);
    expect(second.code).toBe(0);
    expect(second.report.items.find((i) => i.sha256 === sha256Of(alpha))).toMatchObject({
      action: "updated",
      id: alphaId,
    });
    expect(scenario.emulator.objects().find((o) => o.id === alphaId)!.status).toBe("notProvisioned");
    expect(scenario.emulator.objects()).toHaveLength(2);
  });

  it("updates an existing object that matches subject, issuer and expiry; two matches are ambiguous", async () => {
    scenario = await Scenario.start();
    const [match] = scenario.emulator.seed([remoteFor(alpha)]);
    scenario.emulator.seed([remoteFor(beta), remoteFor(beta)]);
    scenario.write("alpha.cer", alpha.der);
    scenario.write("beta.cer", beta.der);
    const result = await scenario.upload();
    expect(result.code).toBe(1);
    expect(result.report.items.find((i) => i.sha256 === sha256Of(alpha))).toMatchObject({
      action: "updated",
      id: match!.id,
    });
    const ambiguous = result.report.items.find((i) => i.sha256 === sha256Of(beta))!;
    expect(ambiguous.action).toBe("failed");
    expect(ambiguous.error!.code).toBe("ambiguous_match");
    expect(scenario.emulator.objects()).toHaveLength(3);
  });

  it("a mapped id that Graph does not know is not_found, never a silent create", async () => {
    scenario = await Scenario.start();
    scenario.write(`${GUID}.cer`, alpha.der);
    const result = await scenario.upload();
    expect(result.code).toBe(1);
    expect(result.report.items).toEqual([
      expect.objectContaining({
        action: "failed",
        id: GUID,
        error: expect.objectContaining({ code: "not_found" }),
      }),
    ]);
    expect(scenario.emulator.objects()).toHaveLength(0);
  });

  it("skips with every reason and fails unreadable files with the parser's code; the batch goes on", async () => {
    scenario = await Scenario.start();
    const expired = await makeLeaf(ca, { subject: "C=US, CN=Expired Signing", days: -3 });
    const tls = await makeLeaf(ca, { subject: "C=US, CN=tls.example", eku: [SERVER_AUTH] });
    // openssl keeps a CR in its password file; the CLI reads a CRLF file as openssl reads an LF one.
    const opensslPasswordFile = join(scenario.root, "pfx-pass-lf");
    writeFileSync(opensslPasswordFile, "s3cret pass\n");
    const passwordFile = join(scenario.root, "pfx-pass-crlf");
    writeFileSync(passwordFile, "s3cret pass\r\nsecond line ignored\n");
    scenario.write("a-ca-only.pem", ca.pem);
    scenario.write("b-expired.cer", expired.der);
    scenario.write("c-tls.cer", tls.der);
    scenario.write("d-alpha.cer", alpha.der);
    scenario.write("e-alpha-again.pem", alpha.pem);
    scenario.write("f-empty.cer", "");
    scenario.write("g-text.txt", "hello, not a certificate\n");
    scenario.write("h-broken.pem", "-----BEGIN CERTIFICATE-----\nMII%%%%\n-----END CERTIFICATE-----\n");
    await writePkcs12(join(scenario.certs, "i-beta.pfx"), beta, opensslPasswordFile);

    const noPassword = await scenario.upload(["--no-create"]);
    expect(noPassword.code).toBe(1);
    const summary = noPassword.report.items.map(
      (i) => `${i.path.slice(scenario.certs.length + 1)} ${i.action} ${i.reason ?? i.error?.code ?? ""}`,
    );
    expect(summary).toEqual([
      "a-ca-only.pem skipped ca_certificate",
      "b-expired.cer skipped expired",
      "c-tls.cer skipped not_code_signing",
      "d-alpha.cer skipped unmapped",
      "e-alpha-again.pem skipped duplicate",
      "f-empty.cer failed empty_file",
      "g-text.txt failed no_certificate",
      "h-broken.pem failed malformed",
      "i-beta.pfx failed password_required",
    ]);
    expect(noPassword.report.summary).toEqual({
      files: 9,
      certificates: 5,
      created: 0,
      updated: 0,
      unchanged: 0,
      skipped: 5,
      failed: 3 + 1,
      superseded: 0,
      deleted: 0,
    });
    expect(scenario.writeRequests()).toBe(0);

    const withPassword = await scenario.upload(["--pfx-password-file", passwordFile]);
    expect(withPassword.report.items.find((i) => i.path.endsWith("i-beta.pfx"))).toMatchObject({
      action: "created",
      sha256: sha256Of(beta),
    });
    expect(withPassword.report.items.find((i) => i.path.endsWith("d-alpha.cer"))!.action).toBe("created");
    expect(scenario.emulator.objects()).toHaveLength(2);
  });

  it("--dry-run lists the tenant and plans, but sends no write", async () => {
    scenario = await Scenario.start();
    scenario.emulator.seed([remoteFor(alpha)]);
    scenario.write("alpha.cer", alpha.der);
    scenario.write("beta.cer", beta.der);
    const result = await scenario.upload(["--dry-run"]);
    expect(result.code).toBe(0);
    expect(result.report.items.map((i) => i.action)).toEqual(["updated", "created"]);
    expect(scenario.writeRequests()).toBe(0);
    expect(scenario.emulator.requests().filter((r) => r.method === "GET" && r.status === 200)).toHaveLength(
      1,
    );
  });

  it("a second run does not read unchanged files again; bytes swapped behind an unchanged size and mtime are read (the ctime moved)", async () => {
    scenario = await Scenario.start({ faults: undefined });
    const alphaPath = scenario.write("alpha.cer", alpha.der);
    scenario.write("beta.cer", beta.der);
    // Whole seconds, so that the mtime can be set back exactly.
    const mtime = 1_790_000_000;
    utimesSync(alphaPath, mtime, mtime);
    const first = await scenario.upload(["--dry-run"]);
    expect(first.report.summary).toMatchObject({ created: 2, failed: 0 });
    const unchanged = await scenario.upload(["--dry-run"]);
    expect(filesRead(unchanged.stderr)).toEqual({ parsed: 0, cached: 2 });
    // Same size, same mtime, other bytes: the inode's ctime, which no one can set back, sends it to the parser.
    writeFileSync(alphaPath, Buffer.alloc(alpha.der.length, 0x41));
    utimesSync(alphaPath, mtime, mtime);
    const second = await scenario.upload(["--dry-run"]);
    expect(second.report.items.map((i) => [i.action, i.error?.code ?? null])).toEqual([
      ["failed", "no_certificate"],
      ["created", null],
    ]);
    expect(filesRead(second.stderr)).toEqual({ parsed: 1, cached: 1 });
  });

  it("forgets the cached parse of a file that is gone, but not when the run was given other folders", async () => {
    scenario = await Scenario.start({ faults: undefined });
    scenario.write("alpha.cer", alpha.der);
    const betaPath = scenario.write("sub/beta.cer", beta.der);
    const cachedFiles = () => {
      const db = new Database(scenario.state, { readonly: true });
      try {
        return db.prepare("SELECT display FROM files ORDER BY path").pluck().all();
      } finally {
        db.close();
      }
    };
    expect((await scenario.upload(["--dry-run"])).code).toBe(0);
    expect(cachedFiles()).toEqual([join(scenario.certs, "alpha.cer"), betaPath]);
    // A run over another (empty) folder leaves this folder's entries alone.
    const elsewhere = join(scenario.root, "elsewhere");
    mkdirSync(elsewhere);
    const args = scenario.uploadArgs(["--dry-run", "--allow-empty"]).slice(0, -1);
    expect((await runCli([...args, elsewhere])).code).toBe(0);
    expect(cachedFiles()).toEqual([join(scenario.certs, "alpha.cer"), betaPath]);
    rmSync(betaPath);
    expect((await scenario.upload(["--dry-run"])).code).toBe(0);
    expect(cachedFiles()).toEqual([join(scenario.certs, "alpha.cer")]);
  });

  it("writes a Prometheus textfile and a report file", async () => {
    scenario = await Scenario.start();
    scenario.write("alpha.cer", alpha.der);
    const metrics = join(scenario.root, "metrics", "intune.prom");
    const reportFile = join(scenario.root, "report.json");
    const result = await scenario.upload(["--metrics-file", metrics, "--report", reportFile]);
    expect(result.code).toBe(0);
    expect(JSON.parse(readFileSync(reportFile, "utf8"))).toEqual(result.report);
    const families = parsePrometheusTextFormat(readFileSync(metrics, "utf8"));
    const byName = Object.fromEntries(families.map((family) => [family.name, family]));
    const id = scenario.emulator.objects()[0]!.id;
    expect(byName.intune_codesign_certificate_expiry_timestamp_seconds!.metrics).toEqual([
      {
        labels: { sha256: sha256Of(alpha), subject: "CN=Alpha Signing, O=Contoso, C=US", id },
        value: String(Math.floor(alpha.certificate.notAfter.getTime() / 1000)),
      },
    ]);
    expect(byName.intune_codesign_last_run_exit_code!.metrics[0]!.value).toBe("0");
    expect(
      byName.intune_codesign_last_run_certificates!.metrics.map((m) => [m.labels!.action, m.value]),
    ).toEqual([
      ["created", "1"],
      ["updated", "0"],
      ["unchanged", "0"],
      ["skipped", "0"],
      ["failed", "0"],
    ]);
  });
});
