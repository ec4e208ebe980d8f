import { readFileSync } from "node:fs";
import { join } from "node:path";
import { FIXTURE_PASSWORD, generateFixtures } from "@intune-codesign/testkit/fixtures";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseBytes } from "./parse-bytes.js";
import { PARSE_ERROR_CODES, type ParseErrorCode } from "./types.js";

const CODES: readonly ParseErrorCode[] = PARSE_ERROR_CODES;

let dir: string;
let cleanup: () => void;
beforeAll(() => {
  ({ dir, cleanup } = generateFixtures());
});
afterAll(() => cleanup());

/** Random edits of a valid file: byte flips, truncation, insertion and deletion. */
function mutations(original: Uint8Array) {
  const index = fc.nat({ max: original.length - 1 });
  const edit = fc.oneof(
    fc.tuple(fc.constant("set" as const), index, fc.integer({ min: 0, max: 255 })),
    fc.tuple(fc.constant("cut" as const), index, fc.constant(0)),
    fc.tuple(fc.constant("insert" as const), index, fc.integer({ min: 0, max: 255 })),
    fc.tuple(fc.constant("delete" as const), index, fc.constant(0)),
  );
  return fc.array(edit, { minLength: 1, maxLength: 4 }).map((edits) => {
    let bytes = Buffer.from(original);
    for (const [kind, at, value] of edits) {
      const i = Math.min(at, bytes.length - 1);
      if (kind === "set") bytes[i] = value;
      else if (kind === "cut") bytes = bytes.subarray(0, i);
      else if (kind === "insert")
        bytes = Buffer.concat([bytes.subarray(0, i), Buffer.from([value]), bytes.subarray(i)]);
      else bytes = Buffer.concat([bytes.subarray(0, i), bytes.subarray(i + 1)]);
      if (bytes.length === 0) break;
    }
    return new Uint8Array(bytes);
  });
}

describe.each([
  ["leaf.der", 400],
  ["leaf.pem", 300],
  ["chain.p7b", 200],
  ["aes.p12", 60],
  ["rc2.p12", 60],
])("mutations of %s", (name, numRuns) => {
  it("yield certificates or a typed error, quickly, and never throw", () => {
    const original = new Uint8Array(readFileSync(join(dir, name)));
    fc.assert(
      fc.property(mutations(original), (bytes) => {
        const started = performance.now();
        const file = parseBytes(bytes, name, { password: FIXTURE_PASSWORD });
        expect(performance.now() - started).toBeLessThan(2000);
        if (file.error) expect(CODES).toContain(file.error.code);
        expect(file.certificates.length > 0 || file.error !== null).toBe(true);
      }),
      { numRuns, seed: 20251129 },
    );
  });
});
