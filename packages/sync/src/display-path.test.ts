import { describe, expect, it } from "vitest";
import { displayPath } from "./display-path.js";

const bytes = (...parts: Array<string | number[]>) =>
  Buffer.concat(parts.map((part) => (typeof part === "string" ? Buffer.from(part) : Buffer.from(part))));

describe("displayPath", () => {
  it.each([
    ["ASCII", bytes("/srv/certs/a.cer"), "/srv/certs/a.cer"],
    ["two-, three- and four-byte UTF-8", bytes("/z/é€𝄞.cer"), "/z/é€𝄞.cer"],
    ["a real U+FFFD in a valid name", bytes("/z/\uFFFD.cer"), "/z/\uFFFD.cer"],
    ["a newline stays a newline (it is valid UTF-8)", bytes("a\nb"), "a\nb"],
    ["an empty path", bytes(""), ""],
  ])("keeps valid UTF-8: %s", (_name, path, expected) => {
    expect(displayPath(path)).toBe(expected);
  });

  it.each([
    ["a lone Latin-1 byte", bytes("caf", [0xe9], ".cer"), "caf\\xe9.cer"],
    ["a lone continuation byte", bytes([0x80], "x"), "\\x80x"],
    ["0xff", bytes("a", [0xff]), "a\\xff"],
    ["an overlong encoding of '/'", bytes([0xc0, 0xaf]), "\\xc0\\xaf"],
    ["a UTF-16 surrogate encoded as UTF-8", bytes([0xed, 0xa0, 0x80]), "\\xed\\xa0\\x80"],
    ["a code point above U+10FFFF", bytes([0xf4, 0x90, 0x80, 0x80]), "\\xf4\\x90\\x80\\x80"],
    ["valid characters around an invalid byte", bytes("é", [0xfe], "€"), "é\\xfe€"],
  ])("escapes invalid bytes as \\xNN: %s", (_name, path, expected) => {
    expect(displayPath(path)).toBe(expected);
  });

  it.each([
    ["a two-byte sequence cut at the end", bytes("a", [0xc3]), "a\\xc3"],
    ["a three-byte sequence cut after two bytes", bytes("a", [0xe2, 0x82]), "a\\xe2\\x82"],
    ["a four-byte sequence cut after three bytes", bytes([0xf0, 0x9d, 0x84]), "\\xf0\\x9d\\x84"],
    ["a three-byte sequence interrupted by ASCII", bytes([0xe2, 0x82], "A"), "\\xe2\\x82A"],
    ["a four-byte sequence interrupted by a valid one", bytes([0xf0, 0x9d], "é"), "\\xf0\\x9dé"],
  ])("escapes truncated multi-byte sequences byte by byte: %s", (_name, path, expected) => {
    expect(displayPath(path)).toBe(expected);
  });

  it("keeps a real U+FFFD as is when the name also holds an invalid byte", () => {
    expect(displayPath(bytes("\uFFFD", [0xff]))).toBe("\uFFFD\\xff");
  });
});
