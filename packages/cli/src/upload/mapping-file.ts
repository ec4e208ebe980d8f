import { isGuid, type MappingFile } from "@intune-codesign/sync";
import { UsageError } from "../exit-codes.js";
import { readJsonObjectFile } from "../json-object-file.js";

/** Reads and validates `--map FILE` (JSON object of strings); any problem is a usage error (exit 2). */
export function loadMappingFile(path: string): MappingFile {
  const data = readJsonObjectFile(
    "--map",
    path,
    'a JSON object of "<relative path>" or "sha256:<hex>" to object id',
  );
  const mapping: MappingFile = { byPath: new Map(), bySha256: new Map() };
  for (const [key, id] of Object.entries(data)) {
    if (typeof id !== "string" || !isGuid(id)) {
      throw new UsageError(`--map ${path}: the id for "${key}" is not a GUID`);
    }
    const sha = /^sha256:([0-9a-f]{64})$/i.exec(key);
    if (sha) mapping.bySha256.set(sha[1]!.toLowerCase(), id.toLowerCase());
    else mapping.byPath.set(key.replace(/\\/g, "/").replace(/^\.\//, ""), id.toLowerCase());
  }
  return mapping;
}
