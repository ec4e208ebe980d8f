import { statSync } from "node:fs";
import { DuplicateTracker } from "@intune-codesign/parser";
import { type BodyOptions, bodyFields } from "@intune-codesign/uploader";
import type { Logger } from "pino";
import type { FoundCertificate } from "./certificate.js";
import { displayPath } from "./display-path.js";
import { foundFile } from "./found-file.js";
import { failedItem, PENDING, provenance, reportItem } from "./items.js";
import { type MappingFile, mappedId } from "./mapping.js";
import { parseEntries } from "./parse-entries.js";
import { phaseDone } from "./phase-log.js";
import type { Candidate, SentFields } from "./plan.js";
import type { Progress } from "./progress.js";
import type { ReportItem, RunWarning } from "./report.js";
import { mapWarnings, walkWarnings } from "./run-warnings.js";
import { parseOptionsKey, stillValid } from "./state/cache-key.js";
import type { CachedFile, FreshParse, StateStore } from "./state/store.js";
import { pathBytes, underRoots, walk } from "./walk.js";

/** What reading the folders needs: the same for `upload` and `status`. */
export interface ReadSettings {
  roots: string[];
  include: string[] | undefined;
  exclude: string[] | undefined;
  maxFileSize: number;
  maxSignedFileSize: number;
  pfxPassword: string[] | string | undefined;
  mapping: MappingFile | null;
  body: BodyOptions;
  logger: Logger;
  progress: Progress;
}

/**
 * A candidate with its slot in the report, its file (a walk's path) and its certificate, to build the body when it
 * is sent. One is kept per eligible certificate until the run ends, so it holds references only: its fields are
 * derived when asked.
 */
export class PlannedCandidate implements Candidate {
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

/** A certificate found in a file and skipped as expired: it still backs its object (for `status` and pruning). */
export interface ExpiredCertificate {
  path: string;
  certificate: FoundCertificate;
}

/** The folders as read: items for failed files and skipped certificates, a pending slot for each candidate. */
export interface CertificateReading {
  files: number;
  /** Certificates found, eligible or not (an empty walk is no reason to prune). */
  certificates: number;
  items: ReportItem[];
  candidates: PlannedCandidate[];
  expired: ExpiredCertificate[];
  /** What looks like a mistake in the input (an empty folder, an include or map key that matched nothing). */
  warnings: RunWarning[];
}

/** Fresh parses are written to the cache in batches: one transaction per file would dominate a large first run. */
const CACHE_BATCH = 2048;

/**
 * Walks and parses, reusing the cached parses (failures included) of unchanged files parsed with the same options.
 * With `writeCache`, fresh parses are remembered and parses of files gone are forgotten, each write through it (so
 * that `upload` turns a full disk into a stop, not a crash); without (`status`: read-only), the cache is only read.
 * No store: no cache. `stop` (a signal, a full disk) ends the parsing early.
 */
export async function readCertificates(
  settings: ReadSettings,
  store: StateStore | null,
  options: { writeCache: ((write: () => void) => void) | null; stop: AbortSignal },
): Promise<CertificateReading> {
  const { logger, progress } = settings;
  const now = new Date();
  let phase = performance.now();
  const entries = await walk(settings.roots, { include: settings.include, exclude: settings.exclude });
  const reading: CertificateReading = {
    files: entries.length,
    certificates: 0,
    items: [],
    candidates: [],
    expired: [],
    warnings: [],
  };
  const warn = (warnings: RunWarning[]) => {
    for (const warning of warnings) {
      logger.warn({ code: warning.code, subject: warning.subject }, warning.message);
      reading.warnings.push(warning);
    }
  };
  warn(walkWarnings(settings.roots, entries, settings.include, isFolder));
  // What the map's keys are checked against: every path walked and every certificate read, skipped ones too.
  const relatives = new Set(settings.mapping ? entries.map((entry) => entry.relative) : []);
  const sha256s = new Set<string>();
  phaseDone(logger, phase, "files found", { files: entries.length });
  phase = performance.now();
  let parsedNow = 0;
  const fileCache =
    store?.scanFileCache(underRoots(settings.roots), (path, reason) =>
      logger.debug(
        { file: displayPath(pathBytes(path)) },
        `cached parse not used, the file is read again: ${reason}`,
      ),
    ) ?? null;
  const fresh: FreshParse[] = [];
  const optionsKey = parseOptionsKey({
    password: settings.pfxPassword,
    maxFileSize: settings.maxFileSize,
    maxSignedFileSize: settings.maxSignedFileSize,
  });
  const writeCache = store && options.writeCache;
  const tracker = new DuplicateTracker();
  const issuers = new Map<string, string>();
  progress.start("reading", entries.length);
  try {
    await parseEntries<CachedFile>(entries, {
      parse: {
        password: settings.pfxPassword,
        maxFileSize: settings.maxFileSize,
        maxSignedFileSize: settings.maxSignedFileSize,
        now,
      },
      onParsed: (entry, parsed) => {
        progress.tick();
        if ("fresh" in parsed) {
          parsedNow += 1;
          if (writeCache && entry.stats) {
            fresh.push({ path: entry.path, ...entry.stats, options: optionsKey, parsed: parsed.fresh });
            if (fresh.length >= CACHE_BATCH) {
              const batch = fresh.splice(0);
              writeCache(() => store.rememberParses(batch));
            }
          }
        }
        const file = foundFile(entry.display, parsed, tracker, issuers, now);
        if (file.error) {
          logger.warn({ file: file.path, code: file.error.code }, file.error.message);
          reading.items.push(failedItem(file.path, null, file.error.code, file.error.message));
        }
        for (const certificate of file.certificates) {
          reading.certificates += 1;
          if (settings.mapping?.bySha256.size) sha256s.add(certificate.sha256);
          const { sha256, skipReason, subject } = certificate;
          if (skipReason === "expired") reading.expired.push({ path: file.path, certificate });
          if (skipReason !== null) {
            reading.items.push(
              reportItem(file.path, sha256, "skipped", {
                subject,
                reason: skipReason,
                ...provenance(certificate),
              }),
            );
            continue;
          }
          const mapped = mappedId(settings.mapping, entry.relative, sha256);
          const slot = reading.items.length;
          reading.candidates.push(
            new PlannedCandidate(file.path, entry.path, certificate, mapped, slot, settings.body),
          );
          // Until the plan says otherwise, a candidate is a write that did not happen.
          reading.items.push(reportItem(file.path, sha256, "failed", { subject, error: PENDING }));
        }
      },
      cached: (entry) => (fileCache ? stillValid(fileCache.get(entry.path), entry.stats, optionsKey) : null),
      stop: options.stop,
    });
    // Cached parses of files the walk no longer finds are forgotten; a run stopped early saw only some files.
    if (writeCache && fileCache && !options.stop.aborted) {
      fileCache.finish();
      writeCache(() => store.forgetFiles(fileCache.passed));
    }
  } finally {
    fileCache?.close();
  }
  if (writeCache) writeCache(() => store.rememberParses(fresh));
  progress.done();
  phaseDone(logger, phase, "files read", { parsed: parsedNow, cached: reading.files - parsedNow });
  warn(mapWarnings(settings.mapping, relatives, sha256s));
  return reading;
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
