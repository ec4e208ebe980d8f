import type { RunningEmulator } from "@intune-codesign/graph-emulator";
import { makeCertificateInfo } from "@intune-codesign/testkit/certificates";
import { withEmulator } from "@intune-codesign/testkit/emulator";
import { afterEach, describe, expect, it } from "vitest";
import { buildBody } from "./body.js";
import { RateLimiter } from "./pacing.js";

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

describe("pacing against the emulator's throttling", () => {
  it("a limiter matching the emulator's write limit gets no 429 and runs at the allowance", async () => {
    const allowance = { limit: 10, windowMs: 400 };
    const setup = await withEmulator({ writeLimit: allowance });
    emulator = setup.emulator;
    const client = setup.client({ writeLimiter: new RateLimiter(allowance) });
    const bodies = await Promise.all(
      Array.from({ length: 45 }, async (_, i) => buildBody(await makeCertificateInfo(`Paced ${i}`))),
    );
    let next = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < bodies.length) await client.create(bodies[next++]!);
      }),
    );
    const elapsed = Date.now() - started;
    expect(emulator.requests().filter((r) => r.status === 429)).toEqual([]);
    expect(emulator.objects()).toHaveLength(45);
    expect(elapsed).toBeGreaterThanOrEqual(4 * allowance.windowMs);
    expect(elapsed).toBeLessThan(4 * allowance.windowMs + 1500);
  });
});
