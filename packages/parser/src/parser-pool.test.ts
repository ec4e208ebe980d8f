import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exportLeafPkcs12, FIXTURE_PASSWORD, generateFixtures } from "@intune-codesign/testkit/fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type * as Parser from "./index.js";
import { parseFile } from "./parse-file.js";

// Workers run the built JavaScript (dist), as the CLI does; `pnpm test` builds first.
const built = new URL("../dist/index.js", import.meta.url).href;

let dir: string;
let cleanup: () => void;
beforeAll(() => {
  ({ dir, cleanup } = generateFixtures());
});
afterAll(() => cleanup());

describe("createParserPool", () => {
  it("returns what parseFile returns, for every fixture, whatever order results arrive in", async () => {
    const { createParserPool } = (await import(built)) as typeof Parser;
    const pool = createParserPool({ threads: 2 });
    const paths = readdirSync(dir)
      .sort()
      .map((name) => join(dir, name));
    const options = { password: FIXTURE_PASSWORD, now: new Date("2026-01-01T00:00:00Z") };
    try {
      const pooled = await Promise.all(paths.map((path) => pool.parseFile(path, options)));
      const direct = await Promise.all(paths.map((path) => parseFile(path, options)));
      expect(pooled.map((f) => f.path)).toEqual(paths);
      expect(pooled).toEqual(direct);
    } finally {
      await pool.close();
    }
  });

  it("rejects calls after close", async () => {
    const { createParserPool } = (await import(built)) as typeof Parser;
    const pool = createParserPool({ threads: 1 });
    await pool.close();
    await expect(pool.parseFile(join(dir, "leaf.der"))).rejects.toThrow("parser pool is closed");
  });

  it("refuses a file that stalls its worker as unsupported, and parses the files batched with it", async () => {
    const { createParserPool } = (await import(built)) as typeof Parser;
    const slowDir = mkdtempSync(join(tmpdir(), "slow-p12-"));
    const slow = join(slowDir, "slow.p12");
    // 3,000,000 iterations: allowed (under the 10,000,000 cap) but about a second of key derivation.
    exportLeafPkcs12(dir, slow, 3000000);
    const pool = createParserPool({ threads: 1, stallMs: 200 });
    try {
      const [stalled, der, pem] = await Promise.all(
        [slow, join(dir, "leaf.der"), join(dir, "leaf.pem")].map((path) =>
          pool.parseFile(path, { password: FIXTURE_PASSWORD }),
        ),
      );
      expect(stalled!.error).toEqual({
        code: "unsupported",
        message: "refused: parsing this file took longer than 0.2 s",
      });
      expect(stalled!.certificates).toEqual([]);
      expect([der!.error, der!.certificates.length, pem!.error, pem!.certificates.length]).toEqual([
        null,
        1,
        null,
        1,
      ]);
    } finally {
      await pool.close();
      rmSync(slowDir, { recursive: true, force: true });
    }
  });
});
