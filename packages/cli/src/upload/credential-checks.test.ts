import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { UsageError } from "../exit-codes.js";
import {
  checkAuthorityHost,
  checkClientCertificate,
  checkClientId,
  checkTenantId,
} from "./credential-checks.js";

const GUID = "8f3c2a71-5d4e-4b6a-9c1f-2e7d8a9b0c13";

describe("checkTenantId", () => {
  it.each([GUID, GUID.toUpperCase(), "contoso.onmicrosoft.com", "contoso.com", "eu.contoso.co.uk"])(
    "accepts %s",
    (value) => expect(checkTenantId(value)).toBe(value),
  );

  it.each(["1234-not-a-guid", "contoso", "contoso.onmicrosoft.com/", "-bad.com", "a..b.com", ""])(
    "refuses %j",
    (value) => expect(() => checkTenantId(value)).toThrow(UsageError),
  );
});

describe("checkClientId", () => {
  it("accepts a GUID", () => expect(checkClientId(GUID)).toBe(GUID));
  it.each(["zzz", "contoso.com", `${GUID}x`])("refuses %j", (value) =>
    expect(() => checkClientId(value)).toThrow(
      'is not a client id: give the app registration\'s "Application (client) ID"',
    ),
  );
});

describe("checkAuthorityHost", () => {
  it("accepts https", () =>
    expect(checkAuthorityHost("https://login.microsoftonline.us")).toBe("https://login.microsoftonline.us"));
  it.each([
    ["http://login.example.com", "must use https"],
    ["http://127.0.0.1:8080", "must use https"],
    ["login.example.com", "is not a URL"],
  ])("refuses %s", (value, says) => expect(() => checkAuthorityHost(value)).toThrow(says));
});

describe("checkClientCertificate", () => {
  let folder: string;
  const file = (name: string, content: string) => {
    const path = join(folder, name);
    writeFileSync(path, content);
    return path;
  };
  const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: folder, stdio: "ignore" });

  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), "client-certificate-"));
    const subject = ["-subj", "/CN=App", "-days", "1", "-x509"];
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "rsa.key", "-out", "rsa.crt", ...subject);
    openssl(
      "req",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      "ec.key",
      "-out",
      "ec.crt",
      ...subject,
    );
    openssl("pkcs8", "-topk8", "-in", "rsa.key", "-out", "rsa-encrypted.key", "-passout", "pass:secret");
  });

  const read = (name: string) => readFileSync(join(folder, name), "latin1");

  it("accepts a PEM with the certificate and its RSA key, in either order", () => {
    expect(() =>
      checkClientCertificate(file("a.pem", read("rsa.crt") + read("rsa.key")), undefined),
    ).not.toThrow();
    expect(() =>
      checkClientCertificate(file("b.pem", read("rsa.key") + read("rsa.crt")), undefined),
    ).not.toThrow();
  });

  it("accepts an encrypted key with its password, and names the variable without it", () => {
    const path = file("enc.pem", read("rsa.crt") + read("rsa-encrypted.key"));
    expect(() => checkClientCertificate(path, "secret")).not.toThrow();
    expect(() => checkClientCertificate(path, undefined)).toThrow("set AZURE_CLIENT_CERTIFICATE_PASSWORD");
    expect(() => checkClientCertificate(path, "wrong")).toThrow(
      "cannot be read with AZURE_CLIENT_CERTIFICATE_PASSWORD",
    );
  });

  it.each([
    ["a missing file", () => join(folder, "missing.pem"), "no such file or directory (ENOENT)"],
    ["a certificate alone", () => file("cert-only.pem", read("rsa.crt")), "holds no private key"],
    ["a key alone", () => file("key-only.pem", read("rsa.key")), "holds no certificate"],
    [
      "an EC key",
      () => file("ec.pem", read("ec.crt") + read("ec.key")),
      "the private key is ec; Entra ID needs an RSA key",
    ],
  ])("refuses %s", (_name, path, says) => {
    expect(() => checkClientCertificate(path(), undefined)).toThrow(says);
  });
});
