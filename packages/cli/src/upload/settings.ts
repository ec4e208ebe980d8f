import { homedir } from "node:os";
import { join } from "node:path";
import type { SyncSettings } from "@intune-codesign/sync";
import {
  type CertificateStatus,
  type CloudName,
  cloudEndpoints,
  createTokenProvider,
  parseRateLimit,
  validateGraphUrl,
} from "@intune-codesign/uploader";
import { createLogger } from "../logger.js";
import type { LogLevel } from "../options.js";
import { createProgress } from "../progress.js";
import { checkCredentialFiles, pfxPassword } from "../secrets.js";
import { loadMappingFile } from "./mapping-file.js";
import { exitCodeOf } from "./outcome.js";

/** The flags as commander hands them over, after environment and config file are applied. */
export interface UploadFlags {
  graphUrl?: string;
  cloud: CloudName;
  tenantId?: string;
  clientId?: string;
  clientSecretFile?: string;
  clientCertificate?: string;
  managedIdentity: boolean;
  accessTokenFile?: string;
  authorityHost?: string;
  pfxPasswordFile?: string;
  include?: string[];
  exclude?: string[];
  maxFileSize: number;
  state?: string;
  report?: string;
  json: boolean;
  metricsFile?: string;
  warnDays: number;
  map?: string;
  create: boolean;
  force: boolean;
  dryRun: boolean;
  status: CertificateStatus;
  fullDnNames: boolean;
  rateLimit: string;
  concurrency: number;
  timeout: number;
  retries: number;
  logLevel: LogLevel;
  config?: string;
}

/** Turns flags into a run's settings; every bad value is a usage error (exit 2) before anything is touched. */
export async function buildSettings(folders: string[], flags: UploadFlags): Promise<SyncSettings> {
  const cloud = cloudEndpoints(flags.cloud);
  const graphUrl = validateGraphUrl(flags.graphUrl ?? cloud.graphUrl)
    .toString()
    .replace(/\/$/, "");
  const logger = createLogger(flags.logLevel);
  await checkCredentialFiles({
    accessTokenFile: flags.accessTokenFile,
    // The certificate is read only when no credential before it in the order applies.
    clientCertificate:
      flags.accessTokenFile || flags.managedIdentity
        ? undefined
        : (flags.clientCertificate ?? process.env.AZURE_CLIENT_CERTIFICATE_PATH),
  });
  return {
    roots: folders,
    include: flags.include,
    exclude: flags.exclude,
    maxFileSize: flags.maxFileSize,
    pfxPassword: await pfxPassword(flags.pfxPasswordFile),
    graphUrl,
    tokenProvider: createTokenProvider({
      accessTokenFile: flags.accessTokenFile,
      tenantId: flags.tenantId,
      clientId: flags.clientId,
      clientSecretFile: flags.clientSecretFile,
      certificatePath: flags.clientCertificate,
      managedIdentity: flags.managedIdentity,
      managedIdentityClientId: flags.managedIdentity ? flags.clientId : undefined,
      authorityHost: flags.authorityHost ?? cloud.authorityHost,
      scope: cloud.scope,
    }),
    statePath: flags.state ?? defaultStatePath(),
    tenantId: flags.tenantId,
    runtimeDir: process.env.XDG_RUNTIME_DIR?.startsWith("/") ? process.env.XDG_RUNTIME_DIR : undefined,
    reportPath: flags.report,
    metricsFile: flags.metricsFile,
    mapping: flags.map ? loadMappingFile(flags.map) : null,
    dryRun: flags.dryRun,
    force: flags.force,
    create: flags.create,
    body: { status: flags.status, fullDnNames: flags.fullDnNames },
    rateLimit: parseRateLimit(flags.rateLimit),
    concurrency: flags.concurrency,
    timeoutMs: flags.timeout * 1000,
    retries: flags.retries,
    logger,
    progress: createProgress(),
    statusCode: exitCodeOf,
  };
}

/** `$XDG_STATE_HOME/intune-codesign/state.db`, falling back to `~/.local/state/…` as the XDG spec says. */
function defaultStatePath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_STATE_HOME?.startsWith("/") ? env.XDG_STATE_HOME : join(homedir(), ".local", "state");
  return join(base, "intune-codesign", "state.db");
}
