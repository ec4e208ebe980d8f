import { parseFile } from "@intune-codesign/parser";
import { bodyFields, buildBody, type CertificateBody, type GraphClient } from "@intune-codesign/uploader";
import type { Logger } from "pino";
import { describeFailure, FILE_CHANGED } from "./failure.js";
import { type Interruption, watchSignals } from "./interruption.js";
import { addProvenance, eventOf, failedItem, itemForDecision, PENDING, reportItem } from "./items.js";
import { type GraphSettings, graphClient, listTenant } from "./list-tenant.js";
import { type ExpiryMetric, writeMetricsFile } from "./metrics.js";
import { isExpectedOsError, osErrorWords } from "./os-error.js";
import { OutputPathError } from "./output-path.js";
import { phaseDone } from "./phase-log.js";
import { type Decision, planCandidates, serializeFields } from "./plan.js";
import { type PruneSettings, pruneTargets } from "./prune.js";
import {
  type CertificateReading,
  type PlannedCandidate,
  type ReadSettings,
  readCertificates,
} from "./read-certificates.js";
import { backersOf, type ClassifiedObject, classifyObjects } from "./reconcile.js";
import { buildReport, type Report, type ReportItem, type RunWarning, writeReportFile } from "./report.js";
import { DISK_FULL, isDiskFull } from "./state/disk-full.js";
import { resolveStatePath } from "./state/state-path.js";
import { StateStore } from "./state/store.js";
import { checkStoreFile } from "./state/store-file.js";
import { takeRunLocks } from "./state/tenant-lock.js";
import { renderingDigest, type TenantIndex } from "./tenant.js";
import { pathBytes } from "./walk.js";

/** Everything one run needs; the caller resolves it (the CLI from flags, environment and config file). */
export interface SyncSettings extends ReadSettings, GraphSettings {
  /** Keys the state store's records: cloud, tenant and Graph base URL (see tenantScope). */
  scope: string;
  statePath: string;
  /** A per-user runtime folder for the per-tenant lock (`$XDG_RUNTIME_DIR`); default: the state store's folder. */
  runtimeDir: string | undefined;
  reportPath: string | undefined;
  metricsFile: string | undefined;
  dryRun: boolean;
  force: boolean;
  create: boolean;
  /** A folder that yields no file is then only a warning, not a failed run. */
  allowEmpty: boolean;
  /** Null: nothing is ever deleted. */
  prune: PruneSettings | null;
  concurrency: number;
  /** The number the state store's journal and the metrics file record for how a run ended (the CLI's exit code). */
  statusCode: (status: RunStatus) => number;
}

/**
 * How a run ended, by precedence: stopped by a signal; stopped by a full disk under the state store; refused to send
 * because the input contradicts a setting (`--no-create` with a map key that matches no file); Microsoft could not be
 * reached (DNS, connection, TLS, proxy) so nothing could be sent; refused by Graph's auth; some item failed (or a
 * folder yielded no file, or pruning was refused); all in sync.
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
 * One batch: lock, walk, parse (reusing unchanged files' parses), list the tenant once, plan, write, record.
 * State is written as the run goes; the report is derived from the items at the end.
 */
export async function runSync(config: SyncSettings): Promise<SyncOutcome> {
  const statePath = resolveStatePath(config.statePath);
  // A file this tool did not create is refused before the locks are made beside it.
  checkStoreFile(statePath);
  // One tenant (the store's scope: cloud, tenant and Graph URL) is synced by one run at a time on this host.
  const lock = takeRunLocks(statePath, config.scope, config.runtimeDir);
  let store: StateStore;
  try {
    store = StateStore.open(statePath, config.scope, config.logger);
  } catch (error) {
    lock.release();
    throw error;
  }
  const interruption = watchSignals(config.logger);
  try {
    const startedAt = new Date();
    // A dry run is no run: it is not in the journal, and the metrics keep the last real run's (staleness alerts).
    const runId = config.dryRun ? null : store.startRun(startedAt, false);
    const run = new UploadRun(config, store, runId, interruption);
    const outcome = await run.execute();
    const finishedAt = new Date();
    const code = config.statusCode(outcome.status);
    if (runId !== null) {
      run.persist("the run's row", () => store.endRun(runId, finishedAt, code, outcome.report.summary));
    }
    // The paths were checked before the run; a disk that filled up since is logged, and the summary still printed.
    if (config.reportPath) {
      const path = config.reportPath;
      writeOutput(config.logger, "report", path, () => writeReportFile(path, outcome.report));
    }
    if (config.metricsFile && !config.dryRun) {
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

/** The order of objects in the report: by the file last sent to them, then by id. */
function objectOrder(o: ClassifiedObject): string {
  return `${o.managed?.path ?? ""}\u0000${o.object.id.toLowerCase()}`;
}

/** A delete the plan makes: the object, its slot in the report, and why. */
interface PlannedDelete {
  object: ClassifiedObject;
  slot: number;
  reason: string;
}

/** A delete not yet done: if the run stops before it, the report says so. */
const PENDING_DELETE: Readonly<{ code: string; message: string }> = Object.freeze({
  code: "interrupted",
  message: "the run stopped before this object was deleted; the next run deletes it",
});

/** One run's working state: the report's items in file order, and which of them a write already journaled. */
class UploadRun {
  private items: ReportItem[] = [];
  private readonly journaled: boolean[] = [];
  private candidates: PlannedCandidate[] = [];
  private warnings: RunWarning[] = [];
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
    readonly runId: number | null,
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
    const { config, interruption } = this;
    const reading = await readCertificates(config, this.store, {
      writeCache: (write) => this.persist("the file cache", write),
      stop: this.halt.signal,
    });
    ({
      items: this.items,
      candidates: this.candidates,
      files: this.files,
      warnings: this.warnings,
    } = reading);
    this.emptyFolder =
      !config.allowEmpty && reading.warnings.some((warning) => warning.code === "empty_folder");
    // Without creates the map is the only way to an object, so a key that missed is an error, not a guess.
    this.misconfigured = !config.create && reading.warnings.some((w) => w.code === "unused_map_key");
    // An unmounted volume looks empty: with nothing found, pruning would delete everything this tool wrote.
    const pruning = config.prune !== null && !this.misconfigured && !this.refusePrune(reading);
    if (this.misconfigured) this.refuseAll();
    else if ((this.candidates.length > 0 || pruning) && !this.halt.signal.aborted) {
      const client = graphClient(config, interruption);
      const tenant = await this.list(client);
      if (tenant) {
        const decisions = this.plan(tenant);
        const deletes = this.reconcile(tenant, reading, decisions, pruning);
        if (!config.dryRun) {
          await this.writeAll(client, decisions);
          // Deletes come after the writes: a renewal's new object exists before its predecessor goes.
          await this.deleteAll(client, deletes);
        }
      }
    }
    // The journal keeps what changed or went wrong; unchanged and skipped items repeat every run and are counted
    // in the run's row only. Writes journal themselves as they finish; a dry run changes nothing.
    if (this.diskFull) this.markUnsent();
    this.journal((item) => item.action === "failed");
    addProvenance(this.items, this.candidates);
    const report = buildReport(this.files, this.items, this.warnings, config.dryRun);
    const expiries = () =>
      this.candidates.map((c) => ({
        sha256: c.sha256,
        subject: c.certificate.subject,
        id: this.items[c.item]!.id,
        notAfter: c.certificate.notAfter,
      }));
    return { report, status: this.status(report), expiries };
  }

  /** Lists the tenant once; null (and every candidate failed) when it could not be listed. */
  private async list(client: GraphClient): Promise<TenantIndex | null> {
    try {
      return await listTenant(client, this.config.logger);
    } catch (error) {
      const failure = describeFailure(error, this.interruption.aborting.aborted);
      this.config.logger.error({ code: failure.code }, `listing the tenant failed: ${failure.message}`);
      for (const c of this.candidates) {
        this.items[c.item] = failedItem(c.path, c.sha256, failure.code, failure.message, {
          attempts: failure.attempts,
          subject: c.certificate.subject,
        });
      }
      this.authFailed = failure.auth;
      this.unreachable = failure.unreachable;
      return null;
    }
  }

  /** Decides every candidate's fate against the listing. */
  private plan(tenant: TenantIndex): Decision[] {
    const { config, store } = this;
    // One read transaction for the plan's look-ups: each on its own would open and close one (~9 µs against ~1 µs).
    const decisions = store.transaction(() =>
      planCandidates(this.candidates, {
        tenant,
        sent: (sha256) => store.sent(sha256),
        force: config.force,
        create: config.create,
      }),
    );
    this.candidates.forEach((candidate, index) => {
      const decision = decisions[index]!;
      this.items[candidate.item] = itemForDecision(candidate, decision, config.dryRun);
      // Another rendering of what was sent, meaning the same: recorded, so that the next run compares it exactly.
      const shown = decision.action === "unchanged" ? decision.shown : null;
      if (shown !== null && !config.dryRun) {
        this.persist("the state store's record of a rendering", () =>
          store.recordShown(candidate.sha256, shown),
        );
      }
    });
    return decisions;
  }

  /**
   * Classifies the objects no candidate backs: superseded objects are reported (and kept), and with `--prune` the
   * objects to delete are chosen, within the guard of `--max-deletes`. Returns the deletes to make.
   */
  private reconcile(
    tenant: TenantIndex,
    reading: CertificateReading,
    decisions: Decision[],
    pruning: boolean,
  ): PlannedDelete[] {
    const { config, store } = this;
    const planned = this.candidates.map((candidate, index) => ({ candidate, decision: decisions[index]! }));
    const expired = reading.expired.map(({ path, certificate }) => ({
      path,
      sha256: certificate.sha256,
      fields: bodyFields(certificate, config.body),
    }));
    const backers = store.transaction(() =>
      backersOf(planned, expired, { tenant, sent: (sha256) => store.sent(sha256) }),
    );
    // Without --prune, an object a certificate backs is never reported: only the others need the store's records (the
    // records of 100,000 backed objects would be tens of MB).
    const backed = pruning ? null : new Set(backers.flatMap((backer) => backer.id ?? []));
    const managed = store.managedFiles((id) => backed === null || !backed.has(id));
    const classified = classifyObjects(tenant, backers, managed);
    const targets = pruning && config.prune ? pruneTargets(classified, config.prune, new Date()) : [];
    const limit = config.prune?.maxDeletes ?? 0;
    for (const { object: target, reason } of targets) {
      config.logger.warn(
        { id: target.object.id, class: target.class, reason, subject: target.object.subject },
        config.dryRun || targets.length > limit ? "would delete" : "deleting",
      );
    }
    if (targets.length > limit) {
      this.items.push(
        failedItem(
          "",
          null,
          "prune_limit",
          `${targets.length} objects would be deleted, more than --max-deletes ${limit}: nothing was deleted`,
        ),
      );
    }
    const deleting = new Map<ClassifiedObject, string>(
      targets.length > limit ? [] : targets.map((t) => [t.object, t.reason]),
    );
    const deletes: PlannedDelete[] = [];
    // Objects in the report after the certificates, by file then id: the listing's order is the tenant's, not ours.
    const concerned = classified
      .filter((o) => deleting.has(o) || o.class === "superseded")
      .sort((a, b) => (objectOrder(a) < objectOrder(b) ? -1 : 1));
    for (const o of concerned) {
      const path = o.managed?.path ?? "";
      const sha256 = o.managed?.sha256 ?? null;
      const more = { id: o.object.id, subject: o.object.subject };
      const reason = deleting.get(o);
      if (reason !== undefined) {
        deletes.push({ object: o, slot: this.items.length, reason });
        this.items.push(
          config.dryRun
            ? reportItem(path, sha256, "deleted", { ...more, reason })
            : reportItem(path, sha256, "failed", { ...more, reason, error: PENDING_DELETE }),
        );
      } else {
        this.items.push(
          reportItem(path, sha256, "superseded", { ...more, reason: `renewed by ${o.backer?.sha256}` }),
        );
      }
    }
    return deletes;
  }

  /** A run that must send nothing: every candidate fails with the reason. */
  private refuseAll(): void {
    const message = "nothing was sent: --no-create and --map keys that match no file (see the warnings)";
    for (const c of this.candidates) {
      this.items[c.item] = failedItem(c.path, c.sha256, "unused_map_key", message, {
        subject: c.certificate.subject,
      });
    }
  }

  /** Refuses `--prune` when the walk found no certificate at all: one failed item says why. */
  private refusePrune(reading: CertificateReading): boolean {
    if (reading.certificates > 0) return false;
    this.config.logger.error("no certificate found in the folders: pruning refused");
    this.items.push(
      failedItem(
        "",
        null,
        "prune_empty_walk",
        "the folders hold no certificate (an unmounted volume looks empty): nothing was deleted",
      ),
    );
    return true;
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
        this.record(candidate.item);
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
        this.items[c.item] = failedItem(c.path, c.sha256, code, message, {
          id,
          subject: c.certificate.subject,
        });
        authFailures += 1;
      }
    }
    config.progress.done();
    phaseDone(config.logger, phase, "writes done", { planned: queue.length, succeeded });
    this.authFailed = authFailures > 0 && succeeded === 0;
    this.unreachable = networkFailures === queue.length && queue.length > 0;
  }

  /** Deletes the pruned objects, paced as writes; each is recorded (store, journal) the moment Graph confirms it. */
  private async deleteAll(client: GraphClient, deletes: PlannedDelete[]): Promise<void> {
    const { config, interruption } = this;
    if (deletes.length === 0) return;
    const phase = performance.now();
    let deleted = 0;
    let next = 0;
    const worker = async () => {
      while (next < deletes.length && !this.halt.signal.aborted) {
        const { object, slot, reason } = deletes[next++]!;
        const { id, subject } = object.object;
        const logger = config.logger.child({ id, class: object.class });
        const item = this.items[slot]!;
        try {
          const result = await client.delete(id, { logger });
          this.persist("the state store's record of a delete", () => this.store.forgetObject(id), { id });
          deleted += 1;
          logger.info({ attempts: result.attempts, status: result.status, reason }, "deleted");
          this.items[slot] = reportItem(item.path, item.sha256, "deleted", {
            id,
            subject,
            reason,
            attempts: result.attempts,
          });
        } catch (error) {
          const failure = describeFailure(error, interruption.aborting.aborted);
          logger.error({ code: failure.code, attempts: failure.attempts }, failure.message);
          this.items[slot] = failedItem(item.path, item.sha256, failure.code, failure.message, {
            id,
            subject,
            attempts: failure.attempts,
          });
        }
        this.record(slot);
      }
    };
    await Promise.all(Array.from({ length: Math.min(config.concurrency, deletes.length) }, worker));
    phaseDone(config.logger, phase, "deletes done", { planned: deletes.length, deleted });
  }

  /** One create or update; the state store records it the moment Graph accepts it. */
  private async write(
    client: GraphClient,
    candidate: PlannedCandidate,
    decision: Extract<Decision, { action: "create" | "update" }>,
  ): Promise<ReportItem> {
    const logger = this.config.logger.child({ file: candidate.path, certificate: candidate.sha256 });
    const targetId = decision.action === "update" ? decision.id : null;
    const changes = decision.action === "update" ? decision.changes : null;
    const reason = decision.action === "update" ? decision.cause : null;
    const subject = candidate.certificate.subject;
    const der = await this.readDer(candidate);
    if (!der) {
      return failedItem(candidate.path, candidate.sha256, FILE_CHANGED.code, FILE_CHANGED.message, {
        id: targetId,
        subject,
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
      const action = targetId ? "updated" : "created";
      const record = {
        remoteId: result.id,
        fields: serializeFields(candidate.fields),
        lastSent: body.uploadDateTime,
        // What the tenant answered with (after a 204, what was sent): a tenant that renders names later shows
        // another rendering, which the next run compares by meaning and records.
        shown: renderingDigest(result.object ?? body),
        path: candidate.path,
      };
      this.persist(
        "the state store's record of a write",
        () => this.store.recordSent(candidate.sha256, record),
        { id: result.id, action },
      );
      logger.info(
        { id: result.id, action, attempts: result.attempts, recovered: result.recovered ?? false },
        action,
      );
      return reportItem(candidate.path, candidate.sha256, action, {
        id: result.id,
        subject,
        reason,
        changes,
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
        subject,
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

  /** Journals the item in this slot (a dry run journals nothing). */
  private record(slot: number): void {
    const { runId } = this;
    if (runId === null) return;
    const item = this.items[slot]!;
    this.journaled[slot] = true;
    this.persist("the journal", () => this.store.recordEvent(runId, eventOf(item)), {
      file: item.path,
      action: item.action,
      id: item.id,
    });
  }

  /** Journals the items not journaled yet that `which` selects, in one transaction (a dry run journals nothing). */
  private journal(which: (item: ReportItem) => boolean): void {
    const { runId } = this;
    if (runId === null) return;
    this.persist("the journal", () =>
      this.store.transaction(() => {
        this.items.forEach((item, index) => {
          if (this.journaled[index] || !which(item)) return;
          this.store.recordEvent(runId, eventOf(item));
          this.journaled[index] = true;
        });
      }),
    );
  }

  /** Writes and deletes the full disk kept from being made say so, rather than that a signal stopped them. */
  private markUnsent(): void {
    this.items.forEach((item, index) => {
      const { path, sha256, id, subject } = item;
      if (item.error === PENDING) {
        this.items[index] = failedItem(path, sha256, DISK_FULL.code, DISK_FULL.message, { subject });
      } else if (item.error === PENDING_DELETE) {
        this.items[index] = failedItem(path, sha256, DISK_FULL.code, DISK_FULL.deleteMessage, {
          id,
          subject,
        });
      }
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
