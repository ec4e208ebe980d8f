import { mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { OutputPathError, prepareOutputPath } from "./output-path.js";

const scratch = () => mkdtempSync(join(tmpdir(), "output-path-"));

function refusal(path: string): string {
  try {
    prepareOutputPath(path);
  } catch (error) {
    expect(error).toBeInstanceOf(OutputPathError);
    return (error as Error).message;
  }
  throw new Error(`${path} was accepted`);
}

describe("prepareOutputPath", () => {
  it("creates the missing folders and leaves no probe file behind", () => {
    const root = scratch();
    prepareOutputPath(join(root, "a", "b", "state.db"));
    expect(statSync(join(root, "a", "b")).isDirectory()).toBe(true);
    expect(readdirSync(join(root, "a", "b"))).toEqual([]);
  });

  it("accepts an existing file it can write", () => {
    const file = join(scratch(), "report.json");
    writeFileSync(file, "{}");
    expect(() => prepareOutputPath(file)).not.toThrow();
  });

  it.each([
    // Node 20's recursive mkdir never returns here; one mkdir at a time gets ENOENT at once.
    [
      "a folder under /proc",
      () => "/proc/intune-codesign-test/x/r.json",
      "cannot create folder /proc/intune-codesign-test: no such file or directory (ENOENT)",
    ],
    [
      "a folder no one may write, even root",
      () => "/sys/r.json",
      "cannot create a file in /sys: permission denied (EACCES)",
    ],
    [
      "a file where a folder should be",
      () => {
        const file = join(scratch(), "file");
        writeFileSync(file, "");
        return join(file, "sub", "r.json");
      },
      "/file/sub: not a directory (ENOTDIR)",
    ],
    [
      "a folder named as the file",
      () => {
        const folder = join(scratch(), "report.json");
        mkdirSync(folder);
        return folder;
      },
      "report.json is a folder; name a file",
    ],
  ])("refuses %s, naming the path and the OS error in words", (_name, path, says) => {
    expect(refusal(path())).toContain(says);
  });
});
