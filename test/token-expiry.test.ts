import { writeBulkCertificates } from "@intune-codesign/testkit/bulk-certificates";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { APP, clientSecretRun } from "./helpers/client-secret.js";
import { Scenario } from "./helpers/scenario.js";
import { recordFigures } from "./helpers/soak.js";

let scenario: Scenario;
afterEach(async () => {
  await scenario?.close();
});

describe("token expiry mid-run", () => {
  it("client secret over HTTPS, 2 s tokens, a run lasting several lifetimes: exit 0, all created", async () => {
    scenario = await Scenario.start({
      https: true,
      clients: [APP],
      tokenLifetimeSeconds: 2,
      faults: undefined,
      writeLimit: { limit: 5, windowMs: 1000 },
    });
    await writeBulkCertificates(scenario.root, 40);
    const { args, env } = clientSecretRun(scenario, ["--rate-limit", "5/1s"]);
    const started = performance.now();
    const result = await runCli(args, env);
    const durationS = (performance.now() - started) / 1000;
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    expect(JSON.parse(result.stdout).summary).toMatchObject({ created: 40, failed: 0 });
    expect(scenario.emulator.objects()).toHaveLength(40);
    const tokenGrants = scenario.emulator
      .tokenRequests()
      .filter((r) => r.path.endsWith("/oauth2/v2.0/token"));
    // A token taken before a wait in the rate limiter can expire in the queue (with 2 s tokens, not with real
    // ones): the client then refreshes once and re-sends, so these 401s cost a request, never a certificate.
    const refused = scenario.emulator.requests().filter((r) => r.status === 401).length;
    expect(durationS).toBeGreaterThan(3 * 2);
    expect(tokenGrants.length).toBeGreaterThan(1);
    recordFigures("token-expiry", {
      durationS: Number(durationS.toFixed(1)),
      tokenLifetimeS: 2,
      tokenRequests: tokenGrants.length,
      graphRequests: scenario.emulator.requests().length,
      refusedAsExpired: refused,
    });
  });
});
