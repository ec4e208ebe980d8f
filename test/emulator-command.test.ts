import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeCa, makeLeaf } from "@intune-codesign/testkit/certificates";
import { waitFor } from "@intune-codesign/testkit/wait-for";
import { afterEach, describe, expect, it } from "vitest";
import { runCli, startCli } from "./helpers/cli.js";

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function occupiedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

describe("intune-codesign emulator start-up", () => {
  it("a port in use: one line naming it, exit 2", async () => {
    const port = await occupiedPort();
    const result = await runCli(["emulator", "--port", String(port)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `intune-codesign: emulator: port ${port} on 127.0.0.1 is already in use; stop what listens there or pick another --port\n`,
    );
  });

  it("--https --cert-dir with a missing folder creates it", async () => {
    const root = mkdtempSync(join(tmpdir(), "emulator-cert-dir-"));
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    const certDir = join(root, "missing", "certs");
    const { child, done } = startCli(["emulator", "--https", "--cert-dir", certDir]);
    let stdout = "";
    child.stdout?.on("data", (chunk) => {
      stdout += chunk;
    });
    await waitFor(() => stdout.includes("ca cert:"));
    expect(stdout).toContain(`ca cert:    ${join(certDir, "ca.pem")}`);
    expect(readFileSync(join(certDir, "ca.pem"), "utf8")).toMatch(/^-----BEGIN CERTIFICATE-----/);
    child.kill("SIGTERM");
    const result = await done;
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
  });

  it("--render-names late: a write's answer echoes the client, later reads show the tenant's rendering", async () => {
    const root = mkdtempSync(join(tmpdir(), "emulator-render-"));
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    const tokenFile = join(root, "token");
    const { child, done } = startCli(["emulator", "--render-names", "late", "--token-file", tokenFile]);
    cleanups.push(async () => {
      child.kill("SIGTERM");
      await done;
    });
    let stdout = "";
    child.stdout?.on("data", (chunk) => {
      stdout += chunk;
    });
    await waitFor(() => stdout.includes("token file:"));
    const graphUrl = /graph url: +(\S+)/.exec(stdout)?.[1];
    const headers = {
      authorization: `Bearer ${readFileSync(tokenFile, "utf8").trim()}`,
      "content-type": "application/json",
    };
    const leaf = await makeLeaf(await makeCa("C=US, O=Test Org, CN=Test Root CA"), {
      subject: "C=US, O=Test Org, CN=Rendered",
    });
    const created = await fetch(`${graphUrl}/deviceAppManagement/enterpriseCodeSigningCertificates`, {
      method: "POST",
      headers,
      body: JSON.stringify({
        content: leaf.der.toString("base64"),
        subject: "CN=Rendered, O=Test Org, C=US",
        subjectName: "client's",
        expirationDateTime: leaf.certificate.notAfter.toISOString(),
        uploadDateTime: new Date().toISOString(),
      }),
    });
    const object = (await created.json()) as { id: string; subjectName: string };
    expect(object.subjectName).toBe("client's");
    const read = await fetch(
      `${graphUrl}/deviceAppManagement/enterpriseCodeSigningCertificates/${object.id}`,
      {
        headers,
      },
    );
    expect(await read.json()).toMatchObject({
      subject: "CN=Rendered, O=Test Org, C=US",
      subjectName: "Rendered",
      issuer: "CN=Test Root CA, O=Test Org, C=US",
      issuerName: "Test Root CA",
      content: null,
    });
  });

  it("--client and --roles: a read-only app's token reads, and its writes get Intune's 403", async () => {
    const root = mkdtempSync(join(tmpdir(), "emulator-roles-"));
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    const tokenFile = join(root, "token");
    const { child, done } = startCli([
      "emulator",
      "--client",
      "contoso.onmicrosoft.com:reader:s:e:c:r:e:t",
      "--roles",
      "reader=DeviceManagementApps.Read.All",
      "--token-file",
      tokenFile,
    ]);
    cleanups.push(async () => {
      child.kill("SIGTERM");
      await done;
    });
    let stdout = "";
    child.stdout?.on("data", (chunk) => {
      stdout += chunk;
    });
    await waitFor(() => stdout.includes("token file:"));
    const tokenUrl = /token url: +(\S+)/.exec(stdout)?.[1] ?? "";
    expect(tokenUrl).toMatch(/\/contoso\.onmicrosoft\.com\/oauth2\/v2\.0\/token$/);
    const granted = await fetch(tokenUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: "reader",
        client_secret: "s:e:c:r:e:t",
        scope: "https://graph.microsoft.com/.default",
      }),
    });
    expect(granted.status).toBe(200);
    const collection = `${/graph url: +(\S+)/.exec(stdout)?.[1]}/deviceAppManagement/enterpriseCodeSigningCertificates`;
    const authorization = `Bearer ${readFileSync(tokenFile, "utf8").trim()}`;
    expect((await fetch(collection, { headers: { authorization } })).status).toBe(200);
    const write = await fetch(collection, {
      method: "POST",
      headers: { authorization, "content-type": "application/json" },
      body: "{}",
    });
    expect(write.status).toBe(403);
    const { error } = (await write.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe("Forbidden");
    expect((JSON.parse(error.message) as { Message: string }).Message).toMatch(
      /^Application must have one of the following scopes: DeviceManagementApps\.ReadWrite\.All - /,
    );
  });

  it("--roles for a client that no --client defines: one line, exit 2", async () => {
    const result = await runCli(["emulator", "--roles", "someone=DeviceManagementApps.Read.All"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "intune-codesign: --roles names client 'someone', which no --client defines.\n",
    );
  });
});
