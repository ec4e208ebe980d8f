import { basename, extname } from "node:path";
import { UsageError } from "./exit-codes.js";
import { readJsonObjectFile } from "./json-object-file.js";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The `--map` file: explicit object ids by relative path or by `sha256:<hex>`. */
export interface MappingFile {
  byPath: Map<string, string>;
  bySha256: Map<string, string>;
}

/** Reads and validates `--map FILE` (JSON object of strings); any problem is a usage error (exit 2). */
export function loadMappingFile(path: string): MappingFile {
  const data = readJsonObjectFile(
    "--map",
    path,
    'a JSON object of "<relative path>" or "sha256:<hex>" to object id',
  );
  const mapping: MappingFile = { byPath: new Map(), bySha256: new Map() };
  for (const [key, id] of Object.entries(data)) {
    if (typeof id !== "string" || !GUID.test(id)) {
      throw new UsageError(`--map ${path}: the id for "${key}" is not a GUID`);
    }
    const sha = /^sha256:([0-9a-f]{64})$/i.exec(key);
    if (sha) mapping.bySha256.set(sha[1]!.toLowerCase(), id.toLowerCase());
    else mapping.byPath.set(key.replace(/\\/g, "/").replace(/^\.\//, ""), id.toLowerCase());
  }
  return mapping;
}

/** The object the map file names for a certificate: by its path relative to its folder, else by its SHA-256. */
export function mappedId(mapping: MappingFile | null, relative: string, sha256: string): string | null {
  return mapping?.byPath.get(relative) ?? mapping?.bySha256.get(sha256) ?? null;
}

/** The id a file name carries when its stem is a GUID (`b20d3703-….cer`), else null. */
export function idFromFileName(path: string): string | null {
  const name = basename(path);
  const stem = name.slice(0, name.length - extname(name).length);
  return GUID.test(stem) ? stem.toLowerCase() : null;
}
