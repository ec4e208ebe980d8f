import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "./config-error.js";
import { readSecretFile } from "./secrets.js";

const dir = mkdtempSync(join(tmpdir(), "uploader-secrets-"));

function secretFile(content: string): string {
  const path = join(dir, `s${Math.random().toString(16).slice(2)}`);
  writeFileSync(path, content);
  return path;
}

describe("readSecretFile", () => {
  it.each([
    ["s3cret", "s3cret"],
    ["s3cret\n", "s3cret"],
    ["s3cret\r\n", "s3cret"],
    ["s3cret\r\nsecond line\n", "s3cret"],
    [" spaced secret \n", " spaced secret "],
    ["tab\there\n", "tab\there"],
    ["a\rb\n", "a\rb"],
  ])("%j -> %j", (content, expected) => {
    expect(readSecretFile(secretFile(content))).toBe(expected);
  });

  it.each(["", "\n", "\r\n", "\nsecond"])("an empty first line %j is a ConfigError", (content) => {
    expect(() => readSecretFile(secretFile(content))).toThrow(ConfigError);
  });

  it("a missing file is a ConfigError naming the path, not the content", () => {
    const path = join(dir, "missing");
    expect(() => readSecretFile(path)).toThrow(`Cannot read secret file ${path} (ENOENT).`);
  });
});
