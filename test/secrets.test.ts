import { webcrypto } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeBulkCertificates } from "@intune-codesign/testkit/bulk-certificates";
import { makeCa, makeLeaf, type TestCertificate, writePkcs12 } from "@intune-codesign/testkit/certificates";
import { waitFor } from "@intune-codesign/testkit/wait-for";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { APP, clientSecretRun } from "./helpers/client-secret.js";
import { Scenario, TOKEN } from "./helpers/scenario.js";

const PFX_PASSWORD = "pfx-Pa55.w0rd-4be1-secret";
const WRONG_PFX_PASSWORD = "other-pfx-password-93d0";

let pfxLeaf: TestCertificate;
let pemLeaf: TestCertificate;
beforeAll(async () => {
  const ca = await makeCa();
  pfxLeaf = await makeLeaf(ca, { subject: "C=US, O=Contoso, CN=Pfx Signing" });
  pemLeaf = await makeLeaf(ca, { subject: "C=US, O=Contoso, CN=Pem With Key Signing" });
});

let scenario: Scenario;
afterEach(async () => {
  await scenario?.close();
});

async function pkcs8Pem(leaf: TestCertificate): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", leaf.keys.privateKey));
  return `-----BEGIN PRIVATE KEY-----\n${der.toString("base64").replace(/.{1,64}/g, "$&\n")}-----END PRIVATE KEY-----\n`;
}

describe("secrets", () => {
  it("token, client secret and PFX password never reach output, report, state or metrics; no key is sent", async () => {
    scenario = await Scenario.start({ https: true, clients: [APP], staticTokens: [TOKEN] });
    const bulk = await writeBulkCertificates(scenario.root, 20);
    const passwordFile = join(scenario.root, "pfx-password");
    writeFileSync(passwordFile, `${PFX_PASSWORD}\n`);
    const wrongPasswordFile = join(scenario.root, "wrong-password");
    writeFileSync(wrongPasswordFile, `${WRONG_PFX_PASSWORD}\n`);
    await writePkcs12(join(scenario.certs, "signer.pfx"), pfxLeaf, passwordFile);
    // Encrypted with another password: a bad_password failure must not echo the password it tried.
    await writePkcs12(join(scenario.certs, "other.pfx"), pemLeaf, wrongPasswordFile);
    scenario.write("with-key.pem", `${await pkcs8Pem(pemLeaf)}${pemLeaf.pem}`);

    const report = join(scenario.root, "report.json");
    const metrics = join(scenario.root, "metrics.prom");
    const common = ["--log-level", "debug", "--pfx-password-file", passwordFile, "--report", report];
    const env = { NODE_EXTRA_CA_CERTS: scenario.emulator.caCertPath! };
    scenario.emulator.setFaults({ rate: 0.3, seed: 3, kinds: ["401-expired-token", "503-retry-after"] });
    const outputs: string[] = [];
    const byToken = await scenario.upload([...common, "--metrics-file", metrics], env);
    expect(byToken.code).toBe(1); // other.pfx: bad_password
    outputs.push(byToken.stdout, byToken.stderr, readFileSync(report, "utf8"), readFileSync(metrics, "utf8"));
    const { args, env: secretEnv } = clientSecretRun(scenario, [
      ...common,
      "--force",
      "--metrics-file",
      metrics,
    ]);
    const bySecret = await runCli(args, secretEnv);
    expect(bySecret.code).toBe(1);
    expect(scenario.emulator.tokenRequests().length).toBeGreaterThan(0);
    outputs.push(
      bySecret.stdout,
      bySecret.stderr,
      readFileSync(report, "utf8"),
      readFileSync(metrics, "utf8"),
    );
    // A run killed mid-batch leaves the state store's WAL behind: its raw bytes are searched too.
    const killed = scenario.startUpload([...common, "--force", "--rate-limit", "2/1s"], env);
    const writesBefore = scenario.writeRequests();
    await waitFor(() => scenario.writeRequests() >= writesBefore + 2);
    killed.child.kill("SIGKILL");
    const killedResult = await killed.done;
    outputs.push(killedResult.stdout, killedResult.stderr);
    const stateDir = join(scenario.state, "..");
    const stateFiles = readdirSync(stateDir);
    expect(stateFiles.some((name) => name.endsWith("-wal"))).toBe(true);
    for (const name of stateFiles) outputs.push(readFileSync(join(stateDir, name)).toString("latin1"));

    expect(byToken.stderr).toContain('"level":20'); // debug lines were written
    for (const [what, secret] of [
      ["bearer token", TOKEN],
      ["client secret", APP.clientSecret],
      ["PFX password", PFX_PASSWORD],
      ["wrong PFX password", WRONG_PFX_PASSWORD],
    ]) {
      const leaks = outputs.filter((text) => text.includes(secret!)).map((text) => text.slice(0, 200));
      expect(leaks, `${what} leaked`).toEqual([]);
    }

    const expected = new Map(
      [...bulk.map((c) => c.der), pfxLeaf.der, pemLeaf.der].map((der) => [der.toString("base64"), der]),
    );
    const objects = scenario.emulator.objects();
    expect(objects).toHaveLength(22);
    for (const object of objects) {
      expect(
        expected.has(String(object.content)),
        `${object.subjectName}: content is not a certificate's DER`,
      ).toBe(true);
      expect(Buffer.from(String(object.content), "base64").toString("latin1")).not.toContain("PRIVATE KEY");
    }
  });
});
