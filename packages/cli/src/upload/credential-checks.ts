import { createPrivateKey } from "node:crypto";
import { isGuid, osErrorWords } from "@intune-codesign/sync";
import { readSecretBytes } from "@intune-codesign/uploader";
import { UsageError } from "../exit-codes.js";

// A DNS name of at least two labels whose last is alphabetic: `contoso.onmicrosoft.com`, `contoso.com`.
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/** A tenant is named by its GUID or one of its verified domains; anything else cannot be a tenant. */
export function checkTenantId(value: string): string {
  if (isGuid(value) || DOMAIN.test(value)) return value;
  throw new UsageError(
    `"${value}" is not a tenant id: give the tenant's GUID or a verified domain such as contoso.onmicrosoft.com`,
  );
}

/** An app registration's client id (its "Application (client) ID") is always a GUID. */
export function checkClientId(value: string): string {
  if (isGuid(value)) return value;
  throw new UsageError(
    `"${value}" is not a client id: give the app registration's "Application (client) ID", a GUID`,
  );
}

/** The login authority receives the credential, so it must be an https URL. */
export function checkAuthorityHost(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(
      `"${value}" is not a URL: give the login authority, e.g. https://login.microsoftonline.com`,
    );
  }
  if (url.protocol !== "https:") {
    throw new UsageError(`"${value}" must use https: the credential is sent there`);
  }
  return value;
}

const PRIVATE_KEY_BLOCK = /-----BEGIN ((?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----[\s\S]*?-----END \1-----/;
const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----/;

/**
 * The client certificate file must be a PEM holding the app's certificate and its RSA private key (Entra ID signs
 * client assertions with RS256/PS256); checked here so that a wrong file is one plain message, not one per request.
 */
export function checkClientCertificate(path: string, password: string | undefined): string {
  let pem: string;
  try {
    // Read as every secret file is: a regular file under the cap, so a FIFO or a device cannot hang or fill the run.
    pem = readSecretBytes(path).toString("latin1");
  } catch (error) {
    const cause = (error as Error).cause;
    if ((cause as NodeJS.ErrnoException | undefined)?.code) {
      throw new UsageError(`cannot read ${path}: ${osErrorWords(cause)}`);
    }
    throw error;
  }
  const keyBlock = PRIVATE_KEY_BLOCK.exec(pem)?.[0];
  if (!keyBlock) {
    throw new UsageError(
      `${path} holds no private key: it must be one PEM with the app's certificate and its private key (cat cert.pem key.pem)`,
    );
  }
  if (!CERTIFICATE_BLOCK.test(pem)) {
    throw new UsageError(
      `${path} holds no certificate: it must be one PEM with the app's certificate and its private key`,
    );
  }
  let type: string | undefined;
  try {
    type = createPrivateKey({ key: keyBlock, format: "pem", passphrase: password }).asymmetricKeyType;
  } catch {
    throw new UsageError(
      `${path}: its private key cannot be read${password === undefined ? " (encrypted? set AZURE_CLIENT_CERTIFICATE_PASSWORD)" : " with AZURE_CLIENT_CERTIFICATE_PASSWORD"}`,
    );
  }
  if (type !== "rsa") throw new UsageError(`${path}: the private key is ${type}; Entra ID needs an RSA key`);
  return path;
}
