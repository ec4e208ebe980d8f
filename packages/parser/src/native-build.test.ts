import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const NATIVE = fileURLToPath(new URL("../native/", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "native-build-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the addon's build script (native/build.mjs)", () => {
  it("never fails its caller: without python3, make or a compiler it says so in one line and exits 0", () => {
    const copy = join(scratch, "native");
    const bin = join(scratch, "bin");
    for (const dir of [copy, bin]) mkdirSync(dir);
    for (const name of ["binding.gyp", "iterated_hash.c", "build.mjs"])
      copyFileSync(join(NATIVE, name), join(copy, name));
    // A PATH with Node.js alone, and node-gyp named as npm names it to an install script.
    symlinkSync(process.execPath, join(bin, "node"));
    const run = spawnSync(process.execPath, [join(copy, "build.mjs")], {
      cwd: copy,
      encoding: "utf8",
      env: {
        PATH: bin,
        HOME: scratch,
        npm_config_node_gyp: createRequire(import.meta.url).resolve("node-gyp/bin/node-gyp.js"),
      },
    });
    expect([run.status, run.stdout]).toEqual([0, ""]);
    expect(run.stderr).toBe(
      "native hash addon not built (Error: Could not find any Python installation to use); " +
        "PKCS#12 files will open with the slower JavaScript key derivation\n",
    );
    expect(existsSync(join(copy, "build"))).toBe(false);
  });
});
