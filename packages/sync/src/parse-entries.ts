import {
  createParserPool,
  type ParsedFile,
  type ParseOptions,
  type ParserPool,
} from "@intune-codesign/parser";
import { pathBytes, type WalkEntry } from "./walk.js";

/** Files read and parsed at once: enough that no worker waits for its next batch while results travel back. */
const IN_FLIGHT = 1024;

/** A result for one entry: parsed now, or supplied by the caller's cache. */
export type EntryResult<Cached> = { fresh: ParsedFile } | { cached: Cached };

export interface ParseEntriesOptions<Cached> {
  parse: ParseOptions;
  /** Called for each entry, in the entries' order. */
  onParsed: (entry: WalkEntry, result: EntryResult<Cached>) => void;
  /** Supplies a result without reading the file (the state store's file cache). */
  cached?: (entry: WalkEntry) => Cached | null;
  /** Ends early: files not reached are left for the next run. */
  stop?: AbortSignal;
  /** A pool started earlier (so its workers start while the walk runs); closed here. Default: started on a miss. */
  pool?: ParserPool;
}

/**
 * Parses walked entries on all cores and hands each result to `onParsed` in the entries' order, so callers see
 * a deterministic sequence (duplicates are judged in sorted path order) while parsing runs in parallel.
 * The array is consumed: each slot is cleared once handed over, so a batch of 100,000 files does not keep every
 * walk entry alive until the end.
 */
export async function parseEntries<Cached = never>(
  entries: WalkEntry[],
  { parse, onParsed, cached = () => null, stop, pool: given }: ParseEntriesOptions<Cached>,
): Promise<void> {
  // Without a pool given, workers start only when a file must really be read: a run over unchanged files needs none.
  let pool = given;
  const pending = new Map<number, Promise<EntryResult<Cached>>>();
  const start = (index: number) => {
    const entry = entries[index]!;
    if (entry.problem !== null || entry.stats === null) {
      pending.set(index, Promise.resolve({ fresh: unreadable(entry) }));
      return;
    }
    const hit = cached(entry);
    if (hit) {
      pending.set(index, Promise.resolve({ cached: hit }));
      return;
    }
    // The parser reads by the path's bytes (names need not be valid UTF-8); reports show the display form.
    pool ??= createParserPool();
    const parsed = pool
      .parseFile(pathBytes(entry.path), parse)
      .then((file) => ({ fresh: file.path === entry.display ? file : { ...file, path: entry.display } }));
    pending.set(index, parsed);
  };
  // A stop does not wait for the parse in hand: a hostile file may hold a worker for minutes. Closing the pool then
  // terminates the workers mid-parse. (Not Promise.race against one long-lived promise: each race leaves a reaction
  // on it, 100,000 of them in a large run.)
  const settled = (promise: Promise<EntryResult<Cached>>) =>
    new Promise<EntryResult<Cached> | null>((resolve, reject) => {
      if (stop?.aborted) return resolve(null);
      const onStop = () => resolve(null);
      stop?.addEventListener("abort", onStop, { once: true });
      promise.then(
        (result) => {
          stop?.removeEventListener("abort", onStop);
          resolve(result);
        },
        (error: unknown) => {
          stop?.removeEventListener("abort", onStop);
          reject(error);
        },
      );
    });
  try {
    let next = 0;
    while (next < Math.min(IN_FLIGHT, entries.length)) start(next++);
    for (let index = 0; index < entries.length && !stop?.aborted; index++) {
      const result = await settled(pending.get(index)!);
      if (result === null) break;
      pending.delete(index);
      if (next < entries.length && !stop?.aborted) start(next++);
      const entry = entries[index]!;
      delete entries[index];
      onParsed(entry, result);
    }
  } finally {
    // Parses still in flight after an early stop are not wanted; their outcome must not surface as unhandled.
    for (const promise of pending.values()) promise.catch(() => undefined);
    await pool?.close();
  }
}

function unreadable(entry: WalkEntry): ParsedFile {
  return {
    path: entry.display,
    format: null,
    error: { code: "unreadable", message: entry.problem ?? "not readable" },
    certificates: [],
  };
}
