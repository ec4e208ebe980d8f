import { describe, expect, it } from "vitest";
import { printable } from "./printable.js";

describe("printable", () => {
  it("leaves printable text alone, the same string", () => {
    const text = "C=DE, O=Müller & Söhne, CN=署名 — ok ✓ \\x41";
    expect(printable(text)).toBe(text);
  });

  it.each([
    ["\x1b[2J", "\\x1b[2J"],
    ["\x1b]0;title\x07", "\\x1b]0;title\\x07"],
    ["\x1b]8;;http://x\x1b\\", "\\x1b]8;;http://x\\x1b\\"],
    ["a\rb\nc\td", "a\\x0db\\x0ac\\x09d"],
    ["\x7f\x85\x9b", "\\x7f\\x85\\x9b"],
    ["\u202etxt.exe", "\\u202etxt.exe"],
    [
      "\u2066\u2067\u2068\u2069\u202a\u202b\u202c\u202d\u200e\u200f\u061c",
      "\\u2066\\u2067\\u2068\\u2069\\u202a\\u202b\\u202c\\u202d\\u200e\\u200f\\u061c",
    ],
    ["zero\u200bwidth\u200c\u200d\u2060\ufeff\u00ad", "zero\\u200bwidth\\u200c\\u200d\\u2060\\ufeff\\xad"],
    ["line\u2028para\u2029", "line\\u2028para\\u2029"],
    ["tag\u{e0041}", "tag\\u{e0041}"],
    ["lone\ud800", "lone\\ud800"],
  ])("escapes %j", (text, shown) => {
    expect(printable(text)).toBe(shown);
  });
});
