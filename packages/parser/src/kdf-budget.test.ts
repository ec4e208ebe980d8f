import { join } from "node:path";
import { exportLeafPkcs12, FIXTURE_PASSWORD, generateFixtures } from "@intune-codesign/testkit/fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type * as Parser from "./index.js";
import {
  chargeKdfWork,
  createRunBudget,
  FREE_FILE_KDF_WORK,
  isRunBudgetRefusal,
  MAX_FILE_KDF_WORK,
  readRunBudget,
  startFileKdfWork,
  useRunBudget,
} from "./kdf-budget.js";

const built = new URL("../dist/index.js", import.meta.url).href;

describe("the key-derivation budget", () => {
  it("refuses a file once its derivations together pass the per-file cap", () => {
    useRunBudget(createRunBudget(MAX_FILE_KDF_WORK));
    startFileKdfWork();
    chargeKdfWork(MAX_FILE_KDF_WORK);
    expect(() => chargeKdfWork(1)).toThrow(
      "refused: key derivation for this file would exceed 30000000 iterations (every password candidate counted)",
    );
  });

  it("charges the run only for what a file spends beyond its free allowance", () => {
    useRunBudget(createRunBudget(1000));
    startFileKdfWork();
    chargeKdfWork(FREE_FILE_KDF_WORK);
    expect(readRunBudget()).toEqual({ left: 1000, whole: 1000 });
    chargeKdfWork(600);
    expect(readRunBudget()).toEqual({ left: 400, whole: 1000 });
    startFileKdfWork();
    expect(() => chargeKdfWork(FREE_FILE_KDF_WORK + 401)).toThrow(
      `refused: this run's key-derivation budget (1000 iterations beyond ${FREE_FILE_KDF_WORK} per file) is spent by costlier files`,
    );
  });

  it("tells the run's refusal (not the file's fault, never cached) from the file's own cap", () => {
    const refusal = (charge: () => void) => {
      try {
        charge();
      } catch (error) {
        return isRunBudgetRefusal(error as Error);
      }
      throw new Error("not refused");
    };
    useRunBudget(createRunBudget(10));
    startFileKdfWork();
    expect(refusal(() => chargeKdfWork(FREE_FILE_KDF_WORK + 11))).toBe(true);
    useRunBudget(createRunBudget(MAX_FILE_KDF_WORK));
    startFileKdfWork();
    expect(refusal(() => chargeKdfWork(MAX_FILE_KDF_WORK + 1))).toBe(false);
  });
});

describe("a pool's budget", () => {
  let dir: string;
  let cleanup: () => void;
  beforeAll(() => {
    ({ dir, cleanup } = generateFixtures());
    // 2,500,000 iterations for the MAC and for the certificates' bag (the key is paired by localKeyId): 5,000,000,
    // 1,000,000 past the free 4,000,000.
    exportLeafPkcs12(dir, join(dir, "costly.p12"), 2500000);
  });
  afterAll(() => cleanup());

  it("is shared by its workers: a costly file opens while the budget lasts, then is refused saying why", async () => {
    const { createParserPool, isRunBudgetRefusal } = (await import(built)) as typeof Parser;
    const pool = createParserPool({ threads: 2, kdfBudget: 1_500_000 });
    try {
      const costly = join(dir, "costly.p12");
      const first = await pool.parseFile(costly, { password: FIXTURE_PASSWORD });
      expect([first.error, first.certificates.length]).toEqual([null, 1]);
      const second = await pool.parseFile(costly, { password: FIXTURE_PASSWORD });
      expect(second.error).toEqual({
        code: "unsupported",
        message: `refused: this run's key-derivation budget (1500000 iterations beyond ${FREE_FILE_KDF_WORK} per file) is spent by costlier files`,
      });
      // Through the worker, the refusal is still told apart, so the state store's cache can leave it out.
      expect(isRunBudgetRefusal(second.error!)).toBe(true);
      // Files within their free allowance never draw on the budget.
      const cheap = await pool.parseFile(join(dir, "aes.p12"), { password: FIXTURE_PASSWORD });
      expect(cheap.error).toBeNull();
    } finally {
      await pool.close();
    }
  });
});
