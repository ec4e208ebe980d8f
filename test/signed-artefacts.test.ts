import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { Scenario } from "./helpers/scenario.js";

const GENERATOR = fileURLToPath(new URL("../scripts/fixtures-signed.mjs", import.meta.url));

let fixtures: string;
beforeAll(() => {
  fixtures = mkdtempSync(join(tmpdir(), "signed-e2e-"));
  execFileSync(process.execPath, [GENERATOR, fixtures], { stdio: "pipe" });
});
afterAll(() => rmSync(fixtures, { recursive: true, force: true }));

let scenario: Scenario | undefined;
afterEach(async () => {
  await scenario?.close();
  scenario = undefined;
});

/** The artefacts and certificate files the folder mixes, in the walk's sorted order. */
const FILES = [
  "Contoso.Tools_1.4.0.0_x64.msix",
  "contoso.cer",
  "dual.exe",
  "fabrikam.cer",
  "signed.cab",
  "signed.exe",
  "signed.msi",
  "signed.ps1",
  "unsigned.exe",
];

const CONTOSO = "CN=Contoso App Signing, O=Contoso Ltd, C=US";
const FABRIKAM = "CN=Fabrikam Legacy Signing, O=Fabrikam";

describe("upload of a folder of signed app artefacts and .cer files", () => {
  it("creates each signer once; the same signer elsewhere is a duplicate, its chain and TSA skipped", async () => {
    scenario = await Scenario.start();
    for (const name of FILES) copyFileSync(join(fixtures, name), join(scenario.certs, name));
    const sha256Of = (name: string) =>
      execFileSync("openssl", ["dgst", "-sha256", "-r", join(fixtures, name)], { encoding: "utf8" }).split(
        " ",
      )[0];
    const contoso = sha256Of("contoso.cer");
    const fabrikam = sha256Of("fabrikam.cer");

    const run = await scenario.upload();
    expect(run.code, run.stderr).toBe(1);
    // Per file, what became of each signer (chain and timestamp certificates are skipped items of their own).
    const bySigner = run.report.items
      .filter((i) => i.sha256 === contoso || i.sha256 === fabrikam)
      .map((i) =>
        `${i.path.slice(scenario!.certs.length + 1)} ${i.sha256 === contoso ? "contoso" : "fabrikam"} ${i.action} ${i.reason ?? ""}`.trim(),
      );
    expect(bySigner).toEqual([
      "Contoso.Tools_1.4.0.0_x64.msix contoso created",
      "contoso.cer contoso skipped duplicate",
      "dual.exe fabrikam created",
      "dual.exe contoso skipped duplicate",
      "fabrikam.cer fabrikam skipped duplicate",
      "signed.cab fabrikam skipped duplicate",
      "signed.exe contoso skipped duplicate",
      "signed.msi contoso skipped duplicate",
      "signed.ps1 contoso skipped duplicate",
    ]);
    const others = run.report.items.filter((i) => i.sha256 !== contoso && i.sha256 !== fabrikam);
    expect(new Set(others.map((i) => `${i.action} ${i.reason ?? i.error?.code}`))).toEqual(
      new Set([
        "skipped ca_certificate",
        "skipped not_signer",
        "skipped not_code_signing",
        "failed no_certificate",
      ]),
    );
    expect(others.find((i) => i.action === "failed")).toMatchObject({
      path: join(scenario.certs, "unsigned.exe"),
      error: { code: "no_certificate", message: "unsigned PE image: it carries no signature" },
    });
    const objects = scenario.emulator.objects();
    expect(objects.map((o) => [o.subject, o.issuer, o.expirationDateTime]).sort()).toEqual([
      [CONTOSO, "CN=Signed Fixture Intermediate CA, O=Fixture", "2031-06-30T12:00:00.0000000Z"],
      [FABRIKAM, "CN=Signed Fixture Root CA, O=Fixture", "2030-01-15T08:30:00.0000000Z"],
    ]);
    // The uploaded content is the signer's certificate itself.
    const contosoObject = objects.find((o) => o.subject === CONTOSO)!;
    expect(contosoObject.content).toBe(readFileSync(join(fixtures, "contoso.cer")).toString("base64"));

    // Each item says which signature of its artefact it came from, also when the next run reads the file cache.
    const signers = (items: typeof run.report.items) =>
      items
        .filter((i) => i.path.endsWith("dual.exe") && i.signature?.role === "signer")
        .map((i) => [i.sha256, i.action, i.signature]);
    const dual = [
      [
        fabrikam,
        "created",
        {
          index: 1,
          nestedIn: null,
          role: "signer",
          digestAlgorithm: "sha1",
          sha1Digest: true,
          publisherMatch: null,
        },
      ],
      [
        contoso,
        "skipped",
        {
          index: 2,
          nestedIn: 1,
          role: "signer",
          digestAlgorithm: "sha256",
          sha1Digest: false,
          publisherMatch: null,
        },
      ],
    ];
    expect(signers(run.report.items)).toEqual(dual);
    expect(run.report.items.find((i) => i.path.endsWith(".msix") && i.sha256 === contoso)?.signature).toEqual(
      {
        index: 1,
        nestedIn: null,
        role: "signer",
        digestAlgorithm: "sha256",
        sha1Digest: false,
        publisherMatch: true,
      },
    );
    expect(run.report.items.find((i) => i.path.endsWith("contoso.cer"))?.signature).toBeNull();
    expect(new Set(others.filter((i) => i.sha256 !== null).map((i) => i.signature?.role))).toEqual(
      new Set(["chain", "timestamp"]),
    );
    const again = await scenario.upload();
    expect(signers(again.report.items)).toEqual([[fabrikam, "unchanged", dual[0]![2]], dual[1]]);
    expect(again.report.items.map((i) => [i.path, i.sha256, i.signature])).toEqual(
      run.report.items.map((i) => [i.path, i.sha256, i.signature]),
    );
  });

  it("inspect --json says which artefact and signature each certificate came from", async () => {
    const result = await runCli(["inspect", "--json", join(fixtures, "dual.exe")]);
    expect(result.code, result.stderr).toBe(0);
    const [file] = JSON.parse(result.stdout).files;
    expect(file.format).toBe("pe");
    expect(
      file.certificates
        .filter((c: { upload: boolean }) => c.upload)
        .map((c: { subject: string; signature: unknown }) => [c.subject, c.signature]),
    ).toEqual([
      [FABRIKAM, { index: 1, nestedIn: null, role: "signer", digestAlgorithm: "sha1", sha1Digest: true }],
      [CONTOSO, { index: 2, nestedIn: 1, role: "signer", digestAlgorithm: "sha256", sha1Digest: false }],
    ]);
  });

  it("--max-signed-file-size limits artefacts apart from --max-file-size", async () => {
    const path = join(fixtures, "signed.exe");
    const small = await runCli(["inspect", "--json", "--max-file-size", "100", path]);
    expect(JSON.parse(small.stdout).files[0].error).toBeNull();
    const refused = await runCli(["inspect", "--json", "--max-signed-file-size", "100", path]);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout).files[0].error.code).toBe("too_large");
  });
});
