import { ConfigError } from "./config-error.js";
import { type CredentialFactory, CredentialTokenProvider } from "./credential-token-provider.js";
import { FileTokenProvider } from "./file-token-provider.js";
import { readSecretFile } from "./secrets.js";
import type { TokenProvider } from "./token-provider.js";
import { defaultTransport, type Transport } from "./transport.js";

/** How to authenticate; explicit options win over the standard `AZURE_*` environment variables. */
export interface AuthOptions {
  /** A static bearer token file (first line); bypasses @azure/identity. */
  accessTokenFile?: string;
  /** Default `AZURE_TENANT_ID`. */
  tenantId?: string;
  /** Default `AZURE_CLIENT_ID`. */
  clientId?: string;
  /** Default `AZURE_CLIENT_SECRET`; prefer `clientSecretFile`. */
  clientSecret?: string;
  /** A file whose first line is the client secret. */
  clientSecretFile?: string;
  /** PEM with certificate and private key; default `AZURE_CLIENT_CERTIFICATE_PATH`. */
  certificatePath?: string;
  /** Default `AZURE_CLIENT_CERTIFICATE_PASSWORD`. */
  certificatePassword?: string;
  /** Use the host's managed identity. */
  managedIdentity?: boolean;
  /** A user-assigned identity's client id; default `AZURE_CLIENT_ID`. */
  managedIdentityClientId?: string;
  /** Login authority; default `AZURE_AUTHORITY_HOST`, else the global cloud's. */
  authorityHost?: string;
  /** The `.default` scope of the Graph host in use. */
  scope: string;
  /** Where `AZURE_*` variables are read; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** How token requests leave the process; default the one Graph requests use (same proxy rule). */
  transport?: Transport;
}

// Microsoft's own authorities answer instance discovery; any other (a private or emulated one) cannot.
const KNOWN_AUTHORITIES = new Set([
  "login.microsoftonline.com",
  "login.microsoftonline.us",
  "login.chinacloudapi.cn",
]);

/** Picks a credential: token file, managed identity, client secret, client certificate, then workload identity. */
export function createTokenProvider(options: AuthOptions): TokenProvider {
  if (options.accessTokenFile) return new FileTokenProvider(options.accessTokenFile);
  const env = options.env ?? process.env;
  const authorityHost = options.authorityHost ?? env.AZURE_AUTHORITY_HOST;
  const common = {
    ...(authorityHost ? { authorityHost } : {}),
    disableInstanceDiscovery: authorityHost !== undefined && !KNOWN_AUTHORITIES.has(hostOf(authorityHost)),
  };
  const tenantId = options.tenantId ?? env.AZURE_TENANT_ID;
  const clientId = options.clientId ?? env.AZURE_CLIENT_ID;
  const target = {
    scope: options.scope,
    authorityHost: authorityHost ?? "https://login.microsoftonline.com",
    tenantId,
    transport: options.transport ?? defaultTransport(),
  };
  const create = (factory: CredentialFactory) => new CredentialTokenProvider(factory, target);

  if (options.managedIdentity) {
    const miClientId = options.managedIdentityClientId ?? env.AZURE_CLIENT_ID;
    return create(
      (identity, { httpClient }) =>
        new identity.ManagedIdentityCredential({
          ...(miClientId ? { clientId: miClientId } : {}),
          httpClient,
        }),
    );
  }
  const secret = options.clientSecretFile
    ? readSecretFile(options.clientSecretFile)
    : (options.clientSecret ?? env.AZURE_CLIENT_SECRET);
  const certificatePath = options.certificatePath ?? env.AZURE_CLIENT_CERTIFICATE_PATH;
  const tokenFilePath = env.AZURE_FEDERATED_TOKEN_FILE;
  if (!secret && !certificatePath && !tokenFilePath) {
    throw new ConfigError(
      "No credential configured: give a client secret file, a client certificate, managed identity or an access token file (or set AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PATH or AZURE_FEDERATED_TOKEN_FILE).",
    );
  }
  if (!tenantId || !clientId) {
    throw new ConfigError(
      "A tenant id and a client id are required (options or AZURE_TENANT_ID, AZURE_CLIENT_ID).",
    );
  }
  if (secret)
    return create(
      (identity, http) =>
        new identity.ClientSecretCredential(tenantId, clientId, secret, { ...common, ...http }),
    );
  if (certificatePath) {
    const certificatePassword = options.certificatePassword ?? env.AZURE_CLIENT_CERTIFICATE_PASSWORD;
    const configuration = certificatePassword
      ? { certificatePath, certificatePassword }
      : { certificatePath };
    return create(
      (identity, http) =>
        new identity.ClientCertificateCredential(tenantId, clientId, configuration, { ...common, ...http }),
    );
  }
  return create(
    (identity, http) =>
      new identity.WorkloadIdentityCredential({ tenantId, clientId, tokenFilePath, ...common, ...http }),
  );
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    throw new ConfigError(`Authority host "${url}" is not a valid URL.`);
  }
}
