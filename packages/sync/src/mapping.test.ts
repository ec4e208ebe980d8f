import { describe, expect, it } from "vitest";
import { idFromFileName, mappedId, unusedMapKeys } from "./mapping.js";

const ID = "B20D3703-3703-B20D-0337-0DB203370DB2";
const id = ID.toLowerCase();
const SHA = "AbCdEf".padEnd(64, "0");

describe("idFromFileName", () => {
  it.each([
    [`/certs/${id}.cer`, id],
    [`/certs/${ID}.PEM`, id],
    [`${id}`, id],
    [`/certs/${id}.tar.gz`, null],
    [`/certs/${id}-old.cer`, null],
    [`/certs/${id}/leaf.cer`, null],
    ["/certs/alpha.cer", null],
  ])("%s -> %s", (path, expected) => {
    expect(idFromFileName(path)).toBe(expected);
  });
});

describe("mappedId", () => {
  const ID_B = "bbbbbbbb-0000-4000-8000-000000000002";
  const mapping = {
    byPath: new Map([["team/alpha.cer", id]]),
    bySha256: new Map([
      [SHA.toLowerCase(), ID_B],
      ["f".repeat(64), ID_B],
    ]),
  };

  it("the relative path beats the SHA-256; else the SHA-256; else none", () => {
    expect([
      mappedId(mapping, "team/alpha.cer", SHA.toLowerCase()),
      mappedId(mapping, "other.cer", SHA.toLowerCase()),
      mappedId(mapping, "other.cer", "0".repeat(64)),
      mappedId(null, "team/alpha.cer", SHA.toLowerCase()),
    ]).toEqual([id, ID_B, null, null]);
  });
});

describe("unusedMapKeys", () => {
  const sha = "ab".repeat(32);
  const mapping = {
    byPath: new Map([
      ["a.pem", id],
      ["folder2/a.pem", id],
    ]),
    bySha256: new Map([
      [sha, id],
      ["cd".repeat(32), id],
    ]),
  };

  it("names each path no walk found and each SHA-256 no certificate had, paths first", () => {
    expect(unusedMapKeys(mapping, new Set(["a.pem", "b.pem"]), new Set([sha]))).toEqual([
      "folder2/a.pem",
      `sha256:${"cd".repeat(32)}`,
    ]);
  });

  it("is empty when every key was used", () => {
    expect(
      unusedMapKeys(mapping, new Set(["a.pem", "folder2/a.pem"]), new Set([sha, "cd".repeat(32)])),
    ).toEqual([]);
  });
});
