import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PARSE_ERROR_CODES } from "../packages/parser/src/index.js";
import { runCliMeasured } from "./helpers/cli.js";
import { type HostileFolder, writeHostileFolder } from "./helpers/hostile-files.js";
import { Scenario } from "./helpers/scenario.js";
import { recordFigures, scaled, TEST_TIMEOUT_MS } from "./helpers/soak.js";

const COUNT = scaled(300, 5000);
/** The parser's documented error codes (README, reports): nothing else may come back. */
const CODES: readonly string[] = PARSE_ERROR_CODES;
const MAX_RSS_KB = 400 * 1024;
const MAX_DURATION_MS = scaled(45_000, 1_200_000);

let folder: HostileFolder;
/** The seeds' PKCS#12 password, so that mutated containers are decrypted, not just refused. */
let password: string[];
beforeAll(async () => {
  folder = await writeHostileFolder(COUNT, 20_260_606);
  const file = join(folder.dir, "..", "pfx-password");
  writeFileSync(file, "fixture-pass\n");
  password = ["--pfx-password-file", file];
}, TEST_TIMEOUT_MS);
afterAll(() => folder?.cleanup());

describe("hostile input", () => {
  it(
    `inspect --json over ${COUNT} mutated files and odd paths: exit 1, a result or a typed error for each, bounded`,
    async () => {
      const result = await runCliMeasured(["inspect", "--json", ...password, folder.dir]);
      expect(result.code, result.stderr.slice(-2000)).toBe(1);
      const files = (
        JSON.parse(result.stdout) as {
          files: Array<{ path: string; error: { code: string } | null; certificates: unknown[] }>;
        }
      ).files;
      expect(files).toHaveLength(folder.entries);
      for (const file of files) {
        expect(file.certificates.length > 0 || file.error !== null, file.path).toBe(true);
        if (file.error) expect(CODES, file.path).toContain(file.error.code);
      }
      for (const path of folder.unreadable) {
        expect(files.find((f) => f.path === path)?.error?.code, path).toBe("unreadable");
      }
      expect(files.some((f) => f.path.includes("\n"))).toBe(true);
      expect(result.durationMs).toBeLessThan(MAX_DURATION_MS);
      expect(result.maxRssKb).toBeLessThan(MAX_RSS_KB);
      const codes = Object.fromEntries(
        CODES.map((code) => [code, files.filter((f) => f.error?.code === code).length]),
      );
      recordFigures("hostile-inspect", {
        files: files.length,
        durationS: Number((result.durationMs / 1000).toFixed(1)),
        maxRssMB: Math.round(result.maxRssKb / 1024),
        withCertificates: files.filter((f) => f.certificates.length > 0).length,
        ...codes,
      });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    `upload --dry-run over the same folder: exit 1, every file in the report, nothing written, bounded`,
    async () => {
      const scenario = await Scenario.start({ faults: undefined });
      try {
        const result = await runCliMeasured([
          "upload",
          "--dry-run",
          "--json",
          ...password,
          "--graph-url",
          scenario.emulator.url,
          "--access-token-file",
          scenario.tokenFile,
          "--state",
          scenario.state,
          folder.dir,
        ]);
        expect(result.code, result.stderr.slice(-2000)).toBe(1);
        const report = JSON.parse(result.stdout) as {
          summary: { files: number };
          items: Array<{ path: string; action: string; error: { code: string } | null }>;
        };
        expect(report.summary.files).toBe(folder.entries);
        expect(new Set(report.items.map((i) => i.path)).size).toBe(folder.entries);
        for (const item of report.items.filter((i) => i.action === "failed")) {
          expect(CODES, item.path).toContain(item.error?.code);
        }
        expect(scenario.writeRequests()).toBe(0);
        expect(result.durationMs).toBeLessThan(MAX_DURATION_MS);
        expect(result.maxRssKb).toBeLessThan(MAX_RSS_KB);
        recordFigures("hostile-dry-run", {
          files: report.summary.files,
          durationS: Number((result.durationMs / 1000).toFixed(1)),
          maxRssMB: Math.round(result.maxRssKb / 1024),
        });
      } finally {
        await scenario.close();
      }
    },
    TEST_TIMEOUT_MS,
  );
});
