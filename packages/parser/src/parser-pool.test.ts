import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_PASSWORD, generateFixtures } from "./fixtures.test-helper.js";
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
});
