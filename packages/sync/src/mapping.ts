import { basename, extname } from "node:path";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Explicit object ids by path relative to its folder or by SHA-256 (the `--map` file of the CLI). */
export interface MappingFile {
  byPath: Map<string, string>;
  bySha256: Map<string, string>;
}

/** Whether a string is a GUID, the form of every object id. */
export function isGuid(value: string): boolean {
  return GUID.test(value);
}

/** The object the map file names for a certificate: by its path relative to its folder, else by its SHA-256. */
export function mappedId(mapping: MappingFile | null, relative: string, sha256: string): string | null {
  return mapping?.byPath.get(relative) ?? mapping?.bySha256.get(sha256) ?? null;
}

/**
 * The map's keys that name no file of the run: a path no walk found (`folder2/a.pem` for `a.pem`), or a SHA-256 of
 * no certificate read. Such a key protects nothing: the certificate it was meant for gets created again.
 */
export function unusedMapKeys(
  mapping: MappingFile,
  relatives: ReadonlySet<string>,
  sha256s: ReadonlySet<string>,
): string[] {
  return [
    ...[...mapping.byPath.keys()].filter((path) => !relatives.has(path)),
    ...[...mapping.bySha256.keys()].filter((sha) => !sha256s.has(sha)).map((sha) => `sha256:${sha}`),
  ];
}

/** The id a file name carries when its stem is a GUID (`b20d3703-….cer`), else null. */
export function idFromFileName(path: string): string | null {
  const name = basename(path);
  const stem = name.slice(0, name.length - extname(name).length);
  return GUID.test(stem) ? stem.toLowerCase() : null;
}
