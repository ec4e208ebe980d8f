import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";
import { type PruneClass, type SyncSettings, tenantScope } from "@intune-codesign/sync";
import {
  type CertificateStatus,
  type CloudName,
  cloudEndpoints,
  createTokenProvider,
  parseRateLimit,
  readSecretFile,
  validateGraphUrl,
} from "@intune-codesign/uploader";
import { createLogger } from "../logger.js";
import type { LogLevel } from "../options.js";
import { createProgress } from "../progress.js";
import { pfxPassword } from "../secrets.js";
import { flagSource, fromSetting, fromSettingAsync, type SettingSource } from "../setting-source.js";
import {
  checkAuthorityHost,
  checkClientCertificate,
  checkClientId,
  checkTenantId,
} from "./credential-checks.js";
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
  pfxPasswordFile?: string | string[];
  include?: string[];
  exclude?: string[];
  maxFileSize: number;
  maxSignedFileSize: number;
  state?: string;
  report?: string;
  json: boolean;
  metricsFile?: string;
  warnDays: number;
  map?: string;
  create: boolean;
  allowEmpty: boolean;
  force: boolean;
  dryRun: boolean;
  prune?: PruneClass[];
  pruneGrace: number;
  maxDeletes: number;
  status: CertificateStatus;
  fullDnNames: boolean;
  rateLimit: string;
  concurrency: number;
  timeout: number;
  retries: number;
  logLevel: LogLevel;
  config?: string;
}

/** The flags `upload` and `status` share (see shared-options.ts). */
export type TenantFlags = Pick<
  UploadFlags,
  | "graphUrl"
  | "cloud"
  | "tenantId"
  | "clientId"
  | "clientSecretFile"
  | "clientCertificate"
  | "managedIdentity"
  | "accessTokenFile"
  | "authorityHost"
  | "pfxPasswordFile"
  | "include"
  | "exclude"
  | "maxFileSize"
  | "maxSignedFileSize"
  | "state"
  | "logLevel"
  | "map"
>;

/**
 * The settings both commands derive alike from the shared flags: the tenant and its store scope, the files, the map.
 * Every bad value is a usage error (exit 2) before anything is touched, and its message names where the value came
 * from (`source`: flag, environment variable, or config file and key).
 */
export async function tenantSettings(
  folders: string[],
  flags: TenantFlags,
  source: SettingSource = flagSource,
) {
  const setting = <T>(key: keyof UploadFlags, read: () => T): T => fromSetting(source, key, read);
  const cloud = cloudEndpoints(flags.cloud);
  const graphUrl = setting("graphUrl", () => validateGraphUrl(flags.graphUrl ?? cloud.graphUrl))
    .toString()
    .replace(/\/$/, "");
  const tenantId = flags.tenantId && setting("tenantId", () => checkTenantId(flags.tenantId!));
  const clientId = flags.clientId && setting("clientId", () => checkClientId(flags.clientId!));
  const authorityHost = setting("authorityHost", () =>
    checkAuthorityHost(flags.authorityHost ?? cloud.authorityHost),
  );
  // Read once before the lock, so a missing, special (FIFO, device) or oversized token file is exit 2 at once; the
  // provider reads it again when it needs the token.
  if (flags.accessTokenFile) setting("accessTokenFile", () => readSecretFile(flags.accessTokenFile!));
  const usesClientCertificate = !flags.accessTokenFile && !flags.managedIdentity && !flags.clientSecretFile;
  if (flags.clientCertificate && usesClientCertificate && !process.env.AZURE_CLIENT_SECRET) {
    const password = process.env.AZURE_CLIENT_CERTIFICATE_PASSWORD;
    setting("clientCertificate", () => checkClientCertificate(flags.clientCertificate!, password));
  }
  const mapping = flags.map ? setting("map", () => loadMappingFile(flags.map!)) : null;
  const password = await fromSettingAsync(source, "pfxPasswordFile", () =>
    pfxPassword(flags.pfxPasswordFile),
  );
  const makeTokenProvider = () =>
    createTokenProvider({
      accessTokenFile: flags.accessTokenFile,
      tenantId,
      clientId,
      clientSecretFile: flags.clientSecretFile,
      certificatePath: flags.clientCertificate,
      managedIdentity: flags.managedIdentity,
      managedIdentityClientId: flags.managedIdentity ? clientId : undefined,
      authorityHost,
      scope: cloud.scope,
    });
  // Of the settings it takes, the provider reads only the secret file now; its other errors name no one setting.
  const tokenProvider = flags.clientSecretFile
    ? setting("clientSecretFile", makeTokenProvider)
    : makeTokenProvider();
  const progress = createProgress();
  return {
    roots: folders,
    include: flags.include,
    exclude: flags.exclude,
    maxFileSize: flags.maxFileSize,
    maxSignedFileSize: flags.maxSignedFileSize,
    pfxPassword: password,
    graphUrl,
    scope: tenantScope(flags.cloud, tenantId || undefined, graphUrl),
    tokenProvider,
    statePath: flags.state ?? defaultStatePath(),
    mapping,
    logger: createLogger(flags.logLevel, progress),
    progress,
  };
}

/** Turns flags into a run's settings (see tenantSettings for how bad values are reported). */
export async function buildSettings(
  folders: string[],
  flags: UploadFlags,
  source: SettingSource = flagSource,
): Promise<SyncSettings> {
  const rateLimit = fromSetting(source, "rateLimit", () => parseRateLimit(flags.rateLimit));
  return {
    ...(await tenantSettings(folders, flags, source)),
    runtimeDir: absoluteOrUndefined(process.env.XDG_RUNTIME_DIR),
    reportPath: flags.report,
    metricsFile: flags.metricsFile,
    dryRun: flags.dryRun,
    force: flags.force,
    create: flags.create,
    allowEmpty: flags.allowEmpty,
    prune: flags.prune?.length
      ? { classes: flags.prune, graceMs: flags.pruneGrace, maxDeletes: flags.maxDeletes }
      : null,
    body: { status: flags.status, fullDnNames: flags.fullDnNames },
    rateLimit,
    concurrency: flags.concurrency,
    timeoutMs: flags.timeout * 1000,
    retries: flags.retries,
    statusCode: exitCodeOf,
  };
}

/** `$XDG_STATE_HOME/intune-codesign/state.db`, falling back to `~/.local/state/…` as the XDG spec says. */
function defaultStatePath(env: NodeJS.ProcessEnv = process.env): string {
  const base = absoluteOrUndefined(env.XDG_STATE_HOME) ?? join(homedir(), ".local", "state");
  return join(base, "intune-codesign", "state.db");
}

/** An XDG base folder as the spec reads it: a relative one is invalid and ignored. */
function absoluteOrUndefined(folder: string | undefined): string | undefined {
  return folder && isAbsolute(folder) ? folder : undefined;
}
