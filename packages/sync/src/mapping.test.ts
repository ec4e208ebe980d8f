import { describe, expect, it } from "vitest";
import { idFromFileName, mappedId } from "./mapping.js";

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
