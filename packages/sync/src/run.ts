import { statSync } from "node:fs";
import { DuplicateTracker, parseFile } from "@intune-codesign/parser";
import {
  type BodyOptions,
  bodyFields,
  buildBody,
  type CertificateBody,
  GraphClient,
  RateLimiter,
  type TokenProvider,
} from "@intune-codesign/uploader";
import type { Logger } from "pino";
import type { FoundCertificate } from "./certificate.js";
import { describeFailure, FILE_CHANGED } from "./failure.js";
import { foundFile } from "./found-file.js";
import { type Interruption, watchSignals } from "./interruption.js";
import { eventOf, failedItem, itemForDecision, PENDING, reportItem } from "./items.js";
import { type MappingFile, mappedId } from "./mapping.js";
import { type ExpiryMetric, writeMetricsFile } from "./metrics.js";
import { isExpectedOsError, osErrorWords } from "./os-error.js";
import { OutputPathError } from "./output-path.js";
import { parseEntries } from "./parse-entries.js";
import {
  type Candidate,
  type Decision,
  planCandidates,
  type SentFields,
  serializeFields,
  TenantIndex,
} from "./plan.js";
import type { Progress } from "./progress.js";
import { buildReport, type Report, type ReportItem, type RunWarning, writeReportFile } from "./report.js";
import { mapWarnings, walkWarnings } from "./run-warnings.js";
import { parseOptionsKey, stillValid } from "./state/cache-key.js";
import { DISK_FULL, isDiskFull } from "./state/disk-full.js";
import { resolveStatePath } from "./state/state-path.js";
import { type CachedFile, type FreshParse, StateStore } from "./state/store.js";
import { checkStoreFile } from "./state/store-file.js";
import { takeRunLocks } from "./state/tenant-lock.js";
import { pathBytes, underRoots, type WalkEntry, walk } from "./walk.js";

/** Everything one run needs; the caller resolves it (the CLI from flags, environment and config file). */
export interface SyncSettings {
  roots: string[];
  include: string[] | undefined;
  exclude: string[] | undefined;
  maxFileSize: number;
  maxSignedFileSize: number;
  pfxPassword: string[] | string | undefined;
  graphUrl: string;
  tokenProvider: TokenProvider;
  statePath: string;
  /** The tenant the credential names, if it names one: with the Graph URL, what the per-tenant lock guards. */
  tenantId: string | undefined;
  /** A per-user runtime folder for the per-tenant lock (`$XDG_RUNTIME_DIR`); default: the state folder's parent. */
  runtimeDir: string | undefined;
  reportPath: string | undefined;
  metricsFile: string | undefined;
  mapping: MappingFile | null;
  dryRun: boolean;
  force: boolean;
  create: boolean;
  /** A folder that yields no file is then only a warning, not a failed run. */
  allowEmpty: boolean;
  body: BodyOptions;
  rateLimit: { limit: number; windowMs: number };
  concurrency: number;
  timeoutMs: number;
  retries: number;
  logger: Logger;
  progress: Progress;
  /** The number the state store's journal and the metrics file record for how a run ended (the CLI's exit code). */
  statusCode: (status: RunStatus) => number;
}

/**
 * How a run ended, by precedence: stopped by a signal; stopped by a full disk under the state store; refused to send
 * because the input contradicts a setting (`--no-create` with a map key that matches no file); Microsoft could not be
 * reached (DNS, connection, TLS, proxy) so nothing could be sent; refused by Graph's auth; some item failed (or a
 * folder yielded no file); all in sync.
 */
export type RunStatus =
  | "interrupted"
  | "disk_full"
  | "misconfigured"
  | "unreachable"
  | "auth_failed"
  | "failed"
  | "synced";

/** What a run did: the report, how it ended, and the certificates' expiries. */
export interface SyncOutcome {
  report: Report;
  status: RunStatus;
  /**
   * Certificates in the tenant's scope and when they expire (for the warning list and the metrics file); built when
   * asked, as a report of 100,000 items in JSON needs none.
   */
  expiries: () => ExpiryMetric[];
}

/**
 * A candidate with its slot in the report, its file (a walk's path) and its certificate, to build the body when it
 * is sent. One is kept per eligible certificate until the run ends, so it holds references only: its fields are
 * derived when asked.
 */
class PlannedCandidate implements Candidate {
  constructor(
    readonly path: string,
    readonly file: string,
    readonly certificate: FoundCertificate,
    readonly mapped: string | null,
    readonly item: number,
    private readonly body: BodyOptions,
  ) {}

  get sha256(): string {
    return this.certificate.sha256;
  }

  get fields(): SentFields {
    return bodyFields(this.certificate, this.body);
  }
}

/** Intune's documented allowance for any request, per app and tenant. */
const INTUNE_READ_LIMIT = { limit: 1000, windowMs: 20_000 };

/** Fresh parses are written to the cache in batches: one transaction per file would dominate a large first run. */
const CACHE_BATCH = 2048;

/**
 * One batch: lock, walk, parse (reusing unchanged files' parses), list the tenant once, plan, write, record.
 * State is written as the run goes; the report is derived from the items at the end.
 */
export async function runSync(config: SyncSettings): Promise<SyncOutcome> {
  const statePath = resolveStatePath(config.statePath);
  // A file this tool did not create is refused before the locks are made beside it.
  checkStoreFile(statePath);
  const lock = takeRunLocks(
    statePath,
    { graphUrl: config.graphUrl, tenantId: config.tenantId },
    config.runtimeDir,
  );
  let store: StateStore;
  try {
    store = StateStore.open(statePath, config.logger);
  } catch (error) {
    lock.release();
    throw error;
  }
  const interruption = watchSignals(config.logger);
  try {
    const startedAt = new Date();
    const run = new UploadRun(config, store, store.startRun(startedAt, config.dryRun), interruption);
    const outcome = await run.execute();
    const finishedAt = new Date();
    const code = config.statusCode(outcome.status);
    run.persist("the run's row", () => store.endRun(run.runId, finishedAt, code, outcome.report.summary));
    // The paths were checked before the run; a disk that filled up since is logged, and the summary still printed.
    if (config.reportPath) {
      const path = config.reportPath;
      writeOutput(config.logger, "report", path, () => writeReportFile(path, outcome.report));
    }
    if (config.metricsFile) {
      const path = config.metricsFile;
      writeOutput(config.logger, "metrics file", path, () =>
        writeMetricsFile(path, {
          finishedAt,
          durationSeconds: (finishedAt.getTime() - startedAt.getTime()) / 1000,
          exitCode: code,
          counts: outcome.report.summary,
          expiries: outcome.expiries(),
        }),
      );
    }
    return outcome;
  } finally {
    interruption.dispose();
    store.close();
    lock.release();
  }
}

/** One run's working state: the report's items in file order, and which of them a write already journaled. */
class UploadRun {
  private readonly items: ReportItem[] = [];
  private readonly journaled: boolean[] = [];
  private readonly candidates: PlannedCandidate[] = [];
  private readonly warnings: RunWarning[] = [];
  private files = 0;
  private emptyFolder = false;
  private misconfigured = false;
  private unreachable = false;
  private authFailed = false;
  /** Set on a signal or a full disk: take no new work. */
  private readonly halt = new AbortController();
  private diskFull = false;

  constructor(
    private readonly config: SyncSettings,
    private readonly store: StateStore,
    readonly runId: number,
    private readonly interruption: Interruption,
  ) {
    interruption.stopping.addEventListener("abort", () => this.halt.abort(), { once: true });
  }

  /**
   * Runs a write to disk; a full disk stops the run from taking work (what was sent stays in the report and the log,
   * and the next run finds its objects by listing the tenant) instead of ending it with an error.
   */
  persist(what: string, write: () => void, context: Record<string, unknown> = {}): void {
    try {
      write();
    } catch (error) {
      if (!isDiskFull(error)) throw error;
      if (!this.diskFull)
        this.config.logger.error({ code: DISK_FULL.code }, "disk full: the run takes no new work");
      this.diskFull = true;
      this.halt.abort();
      this.config.logger.error(
        { ...context, code: DISK_FULL.code },
        `disk full: ${what} could not be written`,
      );
    }
  }

  async execute(): Promise<SyncOutcome> {
    await this.readFiles();
    if (this.misconfigured) this.refuseAll();
    else if (this.candidates.length > 0 && !this.halt.signal.aborted) {
      const client = new GraphClient({
        baseUrl: this.config.graphUrl,
        tokenProvider: this.config.tokenProvider,
        logger: this.config.logger,
        timeoutMs: this.config.timeoutMs,
        retries: this.config.retries,
        writeLimiter: new RateLimiter(this.config.rateLimit),
        // Reads have their own allowance; the limiter also makes reads wait out a Retry-After that writes got.
        readLimiter: new RateLimiter(INTUNE_READ_LIMIT),
        signal: this.interruption.aborting,
      });
      const decisions = await this.plan(client);
      if (decisions && !this.config.dryRun) await this.writeAll(client, decisions);
    }
    // The journal keeps what changed or went wrong; unchanged and skipped items repeat every run and are counted
    // in the run's row only. Writes journal themselves as they finish; a dry run changes nothing.
    if (this.diskFull) this.markUnsent();
    if (!this.config.dryRun) this.journal((item) => item.action === "failed");
    const report = buildReport(this.files, this.items, this.warnings);
    const expiries = () =>
      this.candidates.map((c) => ({
        sha256: c.sha256,
        subject: c.certificate.subject,
        id: this.items[c.item]!.id,
        notAfter: c.certificate.notAfter,
      }));
    return { report, status: this.status(report), expiries };
  }

  /** Walks and parses; failed files and skipped certificates become items at once, candidates wait for the plan. */
  private async readFiles(): Promise<void> {
    const { config, store } = this;
    const now = new Date();
    let phase = performance.now();
    const entries = await walk(config.roots, { include: config.include, exclude: config.exclude });
    this.files = entries.length;
    const found = walkWarnings(config.roots, entries, config.include, isFolder);
    this.emptyFolder = !config.allowEmpty && found.some((warning) => warning.code === "empty_folder");
    this.warn(found);
    // What the map's keys are checked against: every path walked and every certificate read, skipped ones too.
    const relatives = new Set(config.mapping ? entries.map((entry) => entry.relative) : []);
    const sha256s = new Set<string>();
    phaseDone(config.logger, phase, "files found", { files: entries.length });
    phase = performance.now();
    let parsedNow = 0;
    const fileCache = store.scanFileCache(underRoots(config.roots));
    const fresh: FreshParse[] = [];
    const options = parseOptionsKey({
      password: config.pfxPassword,
      maxFileSize: config.maxFileSize,
      maxSignedFileSize: config.maxSignedFileSize,
    });
    const tracker = new DuplicateTracker();
    const issuers = new Map<string, string>();
    config.progress.start("reading", entries.length);
    try {
      await parseEntries<CachedFile>(entries, {
        parse: {
          password: config.pfxPassword,
          maxFileSize: config.maxFileSize,
          maxSignedFileSize: config.maxSignedFileSize,
          now,
        },
        onParsed: (entry, parsed) => {
          config.progress.tick();
          if ("fresh" in parsed) {
            parsedNow += 1;
            if (entry.stats) fresh.push({ path: entry.path, ...entry.stats, options, parsed: parsed.fresh });
            if (fresh.length >= CACHE_BATCH) {
              const batch = fresh.splice(0);
              this.persist("the file cache", () => store.rememberParses(batch));
            }
          }
          const file = foundFile(entry.display, parsed, tracker, issuers, now);
          if (file.error) {
            config.logger.warn({ file: file.path, code: file.error.code }, file.error.message);
            this.items.push(failedItem(file.path, null, file.error.code, file.error.message));
          }
          for (const certificate of file.certificates) {
            if (config.mapping?.bySha256.size) sha256s.add(certificate.sha256);
            this.addCertificate(file.path, entry, certificate);
          }
        },
        cached: (entry) => stillValid(fileCache.get(entry.path), entry.stats, options),
        stop: this.halt.signal,
      });
      // Cached parses of files the walk no longer finds are forgotten; a run stopped early saw only some files.
      if (!this.halt.signal.aborted) {
        fileCache.finish();
        this.persist("the file cache", () => store.forgetFiles(fileCache.passed));
      }
    } finally {
      fileCache.close();
    }
    this.persist("the file cache", () => store.rememberParses(fresh));
    config.progress.done();
    phaseDone(config.logger, phase, "files read", { parsed: parsedNow, cached: this.files - parsedNow });
    const unused = mapWarnings(config.mapping, relatives, sha256s);
    this.warn(unused);
    // Without creates the map is the only way to an object, so a key that missed is an error, not a guess.
    this.misconfigured = !config.create && unused.length > 0;
  }

  /** Keeps warnings for the report and logs each as it is found. */
  private warn(warnings: RunWarning[]): void {
    for (const warning of warnings) {
      this.config.logger.warn({ code: warning.code, subject: warning.subject }, warning.message);
      this.warnings.push(warning);
    }
  }

  /** A run that must send nothing: every candidate fails with the reason. */
  private refuseAll(): void {
    const message = "nothing was sent: --no-create and --map keys that match no file (see the warnings)";
    for (const c of this.candidates)
      this.items[c.item] = failedItem(c.path, c.sha256, "unused_map_key", message);
  }

  private addCertificate(path: string, entry: WalkEntry, certificate: FoundCertificate): void {
    const { sha256, skipReason } = certificate;
    if (skipReason !== null) {
      this.items.push(reportItem(path, sha256, "skipped", { reason: skipReason }));
      return;
    }
    const mapped = mappedId(this.config.mapping, entry.relative, sha256);
    this.candidates.push(
      new PlannedCandidate(path, entry.path, certificate, mapped, this.items.length, this.config.body),
    );
    // Until the plan says otherwise, a candidate is a write that did not happen.
    this.items.push(reportItem(path, sha256, "failed", { error: PENDING }));
  }

  /** Lists the tenant once and decides every candidate's fate; null when the tenant could not be listed. */
  private async plan(client: GraphClient): Promise<Decision[] | null> {
    const phase = performance.now();
    const tenant = new TenantIndex();
    try {
      for await (const page of client.listPages()) for (const object of page) tenant.add(object);
    } catch (error) {
      const failure = describeFailure(error, this.interruption.aborting.aborted);
      this.config.logger.error({ code: failure.code }, `listing the tenant failed: ${failure.message}`);
      for (const c of this.candidates) {
        this.items[c.item] = failedItem(c.path, c.sha256, failure.code, failure.message, {
          attempts: failure.attempts,
        });
      }
      this.authFailed = failure.auth;
      this.unreachable = failure.unreachable;
      return null;
    }
    phaseDone(this.config.logger, phase, "tenant listed", { objects: tenant.size });
    // One read transaction for the plan's look-ups: each on its own would open and close one (~9 µs against ~1 µs).
    const decisions = this.store.transaction(() =>
      planCandidates(this.candidates, {
        tenant,
        sent: (sha256) => this.store.sent(sha256),
        force: this.config.force,
        create: this.config.create,
      }),
    );
    this.candidates.forEach((candidate, index) => {
      this.items[candidate.item] = itemForDecision(candidate, decisions[index]!, this.config.dryRun);
    });
    return decisions;
  }

  /** Sends the planned writes with `concurrency` workers sharing one rate limiter. */
  private async writeAll(client: GraphClient, decisions: Decision[]): Promise<void> {
    const { config } = this;
    const queue = decisions.flatMap((d, index) =>
      d.action === "create" || d.action === "update" ? [index] : [],
    );
    config.progress.start("uploading", queue.length);
    const phase = performance.now();
    let succeeded = 0;
    let authFailures = 0;
    let networkFailures = 0;
    // A refused write (no permission, token refused) would be refused for every certificate: the rest are not sent.
    let refusal: ReportItem["error"] = null;
    let next = 0;
    const worker = async () => {
      while (next < queue.length && !this.halt.signal.aborted && !refusal) {
        const index = queue[next++]!;
        const candidate = this.candidates[index]!;
        const decision = decisions[index] as Extract<Decision, { action: "create" | "update" }>;
        const item = await this.write(client, candidate, decision);
        if (item.action !== "failed") succeeded += 1;
        else if (item.error?.code === "auth_failed") {
          authFailures += 1;
          refusal ??= item.error;
        } else if (item.error?.code === "network_error") networkFailures += 1;
        this.items[candidate.item] = item;
        this.journaled[candidate.item] = true;
        this.persist("the journal", () => this.store.recordEvent(this.runId, eventOf(item)), {
          file: item.path,
          action: item.action,
          id: item.id,
        });
        config.progress.tick();
      }
    };
    await Promise.all(Array.from({ length: Math.min(config.concurrency, queue.length) }, worker));
    if (refusal) {
      const { code, message } = refusal;
      for (const index of queue.slice(next)) {
        const c = this.candidates[index]!;
        const decision = decisions[index]!;
        const id = decision.action === "update" ? decision.id : null;
        this.items[c.item] = failedItem(c.path, c.sha256, code, message, { id });
        authFailures += 1;
      }
    }
    config.progress.done();
    phaseDone(config.logger, phase, "writes done", { planned: queue.length, succeeded });
    this.authFailed = authFailures > 0 && succeeded === 0;
    this.unreachable = networkFailures === queue.length && queue.length > 0;
  }

  /** One create or update; the state store records it the moment Graph accepts it. */
  private async write(
    client: GraphClient,
    candidate: PlannedCandidate,
    decision: Extract<Decision, { action: "create" | "update" }>,
  ): Promise<ReportItem> {
    const logger = this.config.logger.child({ file: candidate.path, certificate: candidate.sha256 });
    const targetId = decision.action === "update" ? decision.id : null;
    const der = await this.readDer(candidate);
    if (!der) {
      return failedItem(candidate.path, candidate.sha256, FILE_CHANGED.code, FILE_CHANGED.message, {
        id: targetId,
      });
    }
    const body: CertificateBody = buildBody(
      { ...candidate.certificate, der },
      { ...this.config.body, now: new Date() },
    );
    try {
      const result = targetId
        ? await client.update(targetId, body, { logger })
        : await client.create(body, { logger });
      const record = {
        remoteId: result.id,
        fields: serializeFields(candidate.fields),
        lastSent: body.uploadDateTime,
      };
      this.persist(
        "the state store's record of a write",
        () => this.store.recordSent(candidate.sha256, record),
        {
          id: result.id,
          action: targetId ? "updated" : "created",
        },
      );
      const action = targetId ? "updated" : "created";
      logger.info(
        { id: result.id, action, attempts: result.attempts, recovered: result.recovered ?? false },
        action,
      );
      return reportItem(candidate.path, candidate.sha256, action, {
        id: result.id,
        attempts: result.attempts,
      });
    } catch (error) {
      const failure = describeFailure(error, this.interruption.aborting.aborted);
      if (failure.code === "not_found" && decision.action === "update" && decision.route === "state") {
        this.store.forgetRemote(candidate.sha256);
      }
      logger.error({ code: failure.code, attempts: failure.attempts }, failure.message);
      return failedItem(candidate.path, candidate.sha256, failure.code, failure.message, {
        attempts: failure.attempts,
        id: targetId,
      });
    }
  }

  /**
   * The certificate's DER, read again from its file: the store keeps no DER, so that a run over 100,000 files writes
   * one small row per file; sends are few (paced to Intune's limits), and a parse costs tens of microseconds.
   */
  private async readDer(candidate: PlannedCandidate): Promise<Uint8Array | null> {
    const { pfxPassword: password, maxFileSize, maxSignedFileSize } = this.config;
    const file = await parseFile(pathBytes(candidate.file), { password, maxFileSize, maxSignedFileSize });
    return file.certificates.find((c) => c.sha256 === candidate.sha256)?.der ?? null;
  }

  /** Journals the items not journaled yet that `which` selects, in one transaction. */
  private journal(which: (item: ReportItem) => boolean): void {
    this.persist("the journal", () =>
      this.store.transaction(() => {
        this.items.forEach((item, index) => {
          if (this.journaled[index] || !which(item)) return;
          this.store.recordEvent(this.runId, eventOf(item));
          this.journaled[index] = true;
        });
      }),
    );
  }

  /** Writes the full disk kept from being sent say so, rather than that a signal stopped them. */
  private markUnsent(): void {
    this.items.forEach((item, index) => {
      if (item.error !== PENDING) return;
      this.items[index] = failedItem(item.path, item.sha256, DISK_FULL.code, DISK_FULL.message);
    });
  }

  /** In RunStatus's order of precedence. */
  private status(report: Report): RunStatus {
    if (this.interruption.stopping.aborted) return "interrupted";
    if (this.diskFull) return "disk_full";
    if (this.misconfigured) return "misconfigured";
    if (this.unreachable) return "unreachable";
    if (this.authFailed) return "auth_failed";
    return report.summary.failed > 0 || this.emptyFolder ? "failed" : "synced";
  }
}

/** Writes an output file at the end of a run; an OS error (a full disk) is one logged line, not a lost summary. */
function writeOutput(logger: Logger, what: string, path: string, write: () => void): void {
  try {
    write();
  } catch (error) {
    // The writer makes a folder removed since the check again; one it cannot make says so in an OutputPathError.
    if (error instanceof OutputPathError) {
      logger.error({ path }, `cannot write the ${what} ${path}: ${error.message}`);
      return;
    }
    if (!isExpectedOsError(error)) throw error;
    logger.error({ code: error.code, path }, `cannot write the ${what} ${path}: ${osErrorWords(error)}`);
  }
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Logs the end of a phase: what it did, how long it took and the process's peak memory so far, so that an operator
 * sees where a large run spends its time and memory.
 */
function phaseDone(logger: Logger, startedAt: number, message: string, counts: Record<string, number>): void {
  const seconds = Math.round(performance.now() - startedAt) / 1000;
  logger.info({ ...counts, seconds, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }, message);
}
