import { join } from "node:path";
import { generateFixtures } from "@intune-codesign/testkit/fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DuplicateTracker } from "./duplicate-tracker.js";
import { parseFile } from "./parse-file.js";

let dir: string;
let cleanup: () => void;
beforeAll(() => {
  ({ dir, cleanup } = generateFixtures());
});
afterAll(() => cleanup());

describe("DuplicateTracker", () => {
  it("skips a certificate seen in an earlier file, keeping other skip reasons", async () => {
    const tracker = new DuplicateTracker();
    const verdicts = [];
    for (const name of ["bundle.pem", "leaf.der", "ca.der", "leaf.pem", "no-eku.der"]) {
      const file = tracker.mark(await parseFile(join(dir, name)));
      verdicts.push(file.certificates.map((c) => (c.upload ? "upload" : c.skipReason)));
    }
    // bundle.pem's CA is chain material and left out; ca.der holds only the CA, so it is yielded.
    expect(verdicts).toEqual([["upload"], ["duplicate"], ["ca_certificate"], ["duplicate"], ["upload"]]);
  });
});
