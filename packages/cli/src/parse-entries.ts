import {
  createParserPool,
  type ParsedFile,
  type ParseOptions,
  type ParserPool,
} from "@intune-codesign/parser";
import type { WalkEntry } from "./walk.js";

/** How many files are read and parsed at once: enough to keep every worker busy while others read. */
const IN_FLIGHT = 64;

/**
 * Parses walked entries on all cores and hands each result to `onParsed` in the entries' order, so callers see
 * a deterministic sequence (duplicates are judged in sorted path order) while parsing runs in parallel.
 * `cached` lets a caller supply a result without reading the file (the state store's file cache); `stop` ends
 * the walk early (files not reached are simply left for the next run).
 */
export async function parseEntries<Cached = never>(
  entries: WalkEntry[],
  options: ParseOptions,
  onParsed: (entry: WalkEntry, parsed: { fresh: ParsedFile } | { cached: Cached }) => void,
  cached: (entry: WalkEntry) => Cached | null = () => null,
  stop?: AbortSignal,
): Promise<void> {
  // Workers start only when a file must really be read: a run over unchanged files needs none.
  let pool: ParserPool | undefined;
  const pending = new Map<number, Promise<{ fresh: ParsedFile } | { cached: Cached }>>();
  try {
    const start = (index: number) => {
      const entry = entries[index]!;
      if (entry.problem !== null || entry.stats === null) {
        pending.set(index, Promise.resolve({ fresh: unreadable(entry) }));
        return;
      }
      const hit = cached(entry);
      // The parser reads by the path's bytes (names need not be valid UTF-8); reports show the display form.
      const parsed = hit
        ? Promise.resolve({ cached: hit })
        : (pool ??= createParserPool())
            .parseFile(entry.path as unknown as string, options)
            .then((file) => ({ fresh: { ...file, path: entry.display } }));
      pending.set(index, parsed);
    };
    let next = 0;
    while (next < Math.min(IN_FLIGHT, entries.length)) start(next++);
    for (let index = 0; index < entries.length && !stop?.aborted; index++) {
      const parsed = await pending.get(index)!;
      pending.delete(index);
      if (next < entries.length && !stop?.aborted) start(next++);
      onParsed(entries[index]!, parsed);
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
