import { Writable } from "node:stream";
import type { RunningEmulator } from "@intune-codesign/graph-emulator";
import { makeCertificateInfo } from "@intune-codesign/testkit/certificates";
import { listAll, TEST_TOKEN, withEmulator } from "@intune-codesign/testkit/emulator";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { buildBody } from "./body.js";
import { REDACT_PATHS } from "./redact.js";

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

/** A debug-level pino logger (with the CLI's redaction) writing into an array of parsed lines. */
function captureLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: pino({ level: "debug", redact: REDACT_PATHS }, stream), lines };
}

describe("logging", () => {
  it("a full flow with faults logs per-request bindings and never the token", async () => {
    const setup = await withEmulator({
      faults: { rate: 0.5, seed: 3, retryAfterSeconds: 0.05, latencyMs: 20 },
      patchResponse: "alternate",
    });
    emulator = setup.emulator;
    const { logger, lines } = captureLogger();
    const client = setup.client({ logger, retries: 12 });
    const errors: unknown[] = [];
    for (let i = 0; i < 6; i++) {
      const body = buildBody(await makeCertificateInfo(`Logged ${i}`));
      const created = await client.create(body, { logger: logger.child({ certificate: i }) });
      await client.update(created.id, body);
    }
    await listAll(client);
    errors.push(
      await client
        .update("missing", buildBody(await makeCertificateInfo("Missing")))
        .catch((e: unknown) => e),
    );
    const output = lines.join("");
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(output).not.toContain(TEST_TOKEN);
    expect(output.toLowerCase()).not.toContain("bearer");
    expect(
      JSON.stringify(errors.map((e) => ({ ...(e as object), message: (e as Error).message }))),
    ).not.toContain(TEST_TOKEN);
    const answers = entries.filter((e) => e.msg === "answer");
    expect(answers.length).toBe(emulator.requests().filter((r) => r.status !== 0).length);
    const recorded = new Set(emulator.requests().map((r) => r.id));
    const clientIds = new Map(emulator.requests().map((r) => [r.id, r.clientRequestId]));
    for (const a of answers) {
      expect(recorded.has(a.requestId as string)).toBe(true);
      expect(clientIds.get(a.requestId as string)).toBe(a.clientRequestId);
      expect(typeof a.status).toBe("number");
      expect(typeof a.attempt).toBe("number");
    }
    const retries = entries.filter((e) => e.msg === "retrying");
    expect(retries.length).toBeGreaterThan(0);
    for (const r of retries) expect(typeof r.delayMs).toBe("number");
    expect(entries.some((e) => e.certificate === 0 && e.method === "POST")).toBe(true);
  });

  it("REDACT_PATHS hides authorization headers (both spellings), tokens, secrets and passwords", () => {
    const { logger, lines } = captureLogger();
    logger.info({
      headers: { authorization: "Bearer h1-secret", Authorization: "Bearer h2-secret" },
      req: { headers: { authorization: "Bearer h3-secret", Authorization: "Bearer h4-secret" } },
      token: "t1-secret",
      accessToken: "t2-secret",
      clientSecret: "c1-secret",
      password: "p1-secret",
      options: { clientSecret: "c2-secret", certificatePassword: "p2-secret", token: "t3-secret" },
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain("-secret");
    expect(JSON.parse(lines[0]!).options).toEqual({
      clientSecret: "[Redacted]",
      certificatePassword: "[Redacted]",
      token: "[Redacted]",
    });
  });
});
