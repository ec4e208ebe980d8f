import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UsageError } from "../exit-codes.js";
import { loadMappingFile } from "./mapping-file.js";

const dir = mkdtempSync(join(tmpdir(), "cli-mapping-"));
let count = 0;

function mapFile(content: string): string {
  const path = join(dir, `map-${count++}.json`);
  writeFileSync(path, content);
  return path;
}

const ID = "B20D3703-3703-B20D-0337-0DB203370DB2";
const id = ID.toLowerCase();
const SHA = "AbCdEf".padEnd(64, "0");

describe("loadMappingFile", () => {
  it("reads paths and sha256 keys; ids and hex are lower-cased, ./ and backslashes normalised", () => {
    const mapping = loadMappingFile(
      mapFile(
        JSON.stringify({
          "team/alpha.cer": ID,
          "./beta.cer": id,
          "nested\\win\\gamma.pfx": id,
          ".\\dot\\delta.pem": id,
          [`sha256:${SHA}`]: ID,
          [`SHA256:${"f".repeat(64)}`]: id,
        }),
      ),
    );
    expect([...mapping.byPath]).toEqual([
      ["team/alpha.cer", id],
      ["beta.cer", id],
      ["nested/win/gamma.pfx", id],
      ["dot/delta.pem", id],
    ]);
    expect([...mapping.bySha256]).toEqual([
      [SHA.toLowerCase(), id],
      ["f".repeat(64), id],
    ]);
  });

  it("an empty object is an empty mapping", () => {
    const mapping = loadMappingFile(mapFile("{}"));
    expect([mapping.byPath.size, mapping.bySha256.size]).toEqual([0, 0]);
  });

  it("a sha256: key that is not 64 hex digits is taken as a path", () => {
    const mapping = loadMappingFile(mapFile(JSON.stringify({ "sha256:abc": id })));
    expect([...mapping.byPath]).toEqual([["sha256:abc", id]]);
    expect(mapping.bySha256.size).toBe(0);
  });

  it.each([
    ["an array", "[]"],
    ["null", "null"],
    ["a string", '"x"'],
    ["a number", "42"],
  ])("%s is a usage error", (_name, content) => {
    const path = mapFile(content);
    expect(() => loadMappingFile(path)).toThrow(UsageError);
    expect(() => loadMappingFile(path)).toThrow(
      `--map ${path}: expected a JSON object of "<relative path>" or "sha256:<hex>" to object id`,
    );
  });

  it.each([
    ["not a GUID", "not-a-guid"],
    ["a GUID in braces", `{${ID}}`],
    ["a GUID without dashes", ID.replace(/-/g, "")],
    ["a number", 7],
    ["null", null],
  ])("an id that is %s is a usage error naming the key", (_name, value) => {
    const path = mapFile(JSON.stringify({ "a.cer": id, "b.cer": value }));
    expect(() => loadMappingFile(path)).toThrow(
      new UsageError(`--map ${path}: the id for "b.cer" is not a GUID`),
    );
  });

  it("invalid JSON and a missing file are usage errors naming the flag and path", () => {
    const bad = mapFile("{ nope");
    expect(() => loadMappingFile(bad)).toThrow(UsageError);
    expect(() => loadMappingFile(bad)).toThrow(`--map ${bad}: `);
    const missing = join(dir, "missing.json");
    expect(() => loadMappingFile(missing)).toThrow(
      `--map ${missing}: cannot read it: no such file or directory (ENOENT)`,
    );
  });
});
