import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import type { EmulatorOptions } from "@intune-codesign/graph-emulator";
import { makeCa, makeLeaf, type TestCertificate, writePkcs12 } from "@intune-codesign/testkit/certificates";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { CLI, type CliResult, runCli } from "./helpers/cli.js";
import { APP, clientSecretRun } from "./helpers/client-secret.js";
import { Scenario } from "./helpers/scenario.js";

// Issue 14: every first-hour mistake ends with one line that names the thing and the fix, and an exit code from the
// README's table; those the CLI can see before sending anything are answered before any request.

let leaves: TestCertificate[];

beforeAll(async () => {
  const ca = await makeCa();
  leaves = await Promise.all(
    ["A", "B", "C"].map((name) => makeLeaf(ca, { subject: `C=US, O=Contoso, CN=Mistake ${name}` })),
  );
});

let scenario: Scenario | undefined;
afterEach(async () => {
  await scenario?.close();
  scenario = undefined;
});

/** What a case runs: the CLI's arguments and environment, once its files are written. */
interface Run {
  args: string[];
  env?: Record<string, string>;
  /** Runs under a pseudo-terminal (`script`), for what only a terminal shows. */
  tty?: boolean;
}

interface Case {
  row: string;
  emulator?: EmulatorOptions;
  setup: (s: Scenario) => Run | Promise<Run>;
  code: number;
  /** A substring of stderr + stdout: the one line that names the thing and the fix. */
  says: string;
  /** Requests the emulator received, Graph and token endpoint together; 0 = answered before any request. */
  requests: number;
  /** What else the row promises. */
  check?: (result: CliResult) => void;
}

const ERASE_LINE = "\x1b[2K";
const GUID = "0a1b2c3d-1111-4222-8333-444455556666";
const HTTPS = { https: true, clients: [APP] } satisfies EmulatorOptions;
const NO_FAULTS = { faults: undefined } satisfies EmulatorOptions;

/** Three certificates in the folder: a.pem, b.pem and c.pem. */
function writeThree(s: Scenario): void {
  for (const [i, name] of ["a", "b", "c"].entries()) s.write(`${name}.pem`, leaves[i]!.pem);
}

/** The token-file upload without `--json`, so the human summary is what the admin reads. */
function humanUpload(s: Scenario, extra: string[] = []): string[] {
  return s.uploadArgs(extra).filter((arg) => arg !== "--json");
}

/** A port on loopback nobody listens on: connecting is refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function reportOf(result: CliResult): { warnings: Array<{ code: string; subject: string }> } {
  return JSON.parse(result.stdout);
}

/** Runs the CLI under a pseudo-terminal, colours and progress bar on, as an admin at a shell sees it. */
function runInTerminal(args: string[], env: Record<string, string>): Promise<CliResult> {
  const quoted = [process.execPath, CLI, ...args].map((arg) => `'${arg.replace(/'/g, "'\\''")}'`).join(" ");
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith("INTUNE_CODESIGN_") && key !== "NO_COLOR"),
  );
  const child = spawn("script", ["-qefc", quoted, "/dev/null"], {
    env: { ...base, LOG_LEVEL: "info", TERM: "xterm", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr: "" }));
  });
}

const CASES: Case[] = [
  {
    row: "1: --state under /proc (Node 20's recursive mkdir would spin there for good)",
    setup: (s) => ({ args: s.uploadArgs(["--state", "/proc/intune-codesign-e2e/state.db"]) }),
    code: 2,
    says: "--state /proc/intune-codesign-e2e/state.db: cannot create folder /proc/intune-codesign-e2e: no such file or directory (ENOENT)",
    requests: 0,
  },
  {
    row: "1: --report under /proc, found before the writes it would record",
    setup: (s) => {
      writeThree(s);
      return { args: s.uploadArgs(["--report", "/proc/intune-codesign-e2e/report.json"]) };
    },
    code: 2,
    says: "--report /proc/intune-codesign-e2e/report.json: cannot create folder /proc/intune-codesign-e2e",
    requests: 0,
  },
  {
    row: "1: --metrics-file in a folder no one may write (EACCES, even as root)",
    setup: (s) => {
      writeThree(s);
      return { args: s.uploadArgs(["--metrics-file", "/sys/intune_codesign.prom"]) };
    },
    code: 2,
    says: "--metrics-file /sys/intune_codesign.prom: cannot create a file in /sys: permission denied (EACCES)",
    requests: 0,
  },
  {
    row: "1: --state below a file, from the environment",
    setup: (s) => {
      writeThree(s);
      const file = s.write("not-a-folder.txt", "x");
      const args = s.uploadArgs().filter((arg, i, all) => arg !== "--state" && all[i - 1] !== "--state");
      return { args, env: { INTUNE_CODESIGN_STATE: join(file, "state.db") } };
    },
    code: 2,
    says: "environment variable INTUNE_CODESIGN_STATE",
    requests: 0,
    check: (result) =>
      expect(result.stderr).toMatch(/not-a-folder\.txt is not a folder; give a path this user can write\n$/),
  },
  {
    row: "2: a tenant id that is neither a GUID nor a domain",
    emulator: HTTPS,
    setup: (s) => {
      writeThree(s);
      const { args, env } = clientSecretRun(s, ["--tenant-id", "1234-not-a-guid"]);
      return { args, env };
    },
    code: 2,
    says: '--tenant-id: "1234-not-a-guid" is not a tenant id: give the tenant\'s GUID or a verified domain',
    requests: 0,
  },
  {
    row: "2: a client id that is not a GUID, from AZURE_CLIENT_ID",
    emulator: HTTPS,
    setup: (s) => {
      writeThree(s);
      const { args, env } = clientSecretRun(s);
      return { args, env: { ...env, AZURE_CLIENT_ID: "zzz" } };
    },
    code: 2,
    says: 'environment variable AZURE_CLIENT_ID: "zzz" is not a client id',
    requests: 0,
  },
  {
    row: "2: a --map value that is not a GUID",
    setup: (s) => {
      writeThree(s);
      const map = join(s.root, "map.json");
      writeFileSync(map, JSON.stringify({ "a.pem": "not-a-guid" }));
      return { args: s.uploadArgs(["--map", map]) };
    },
    code: 2,
    says: 'the id for "a.pem" is not a GUID',
    requests: 0,
  },
  {
    row: "3: a typo in the Graph host fails fast, naming the host (exit 5)",
    setup: (s) => {
      writeThree(s);
      return { args: humanUpload(s, ["--graph-url", "https://graph.microsfot.invalid/beta"]) };
    },
    code: 5,
    says: "could not reach graph.microsfot.invalid",
    requests: 0,
    check: (result) => expect(result.stdout).toContain("its name did not resolve (DNS)"),
  },
  {
    row: "4: the token endpoint cannot be reached: exit 5 naming host and cause, not 3",
    emulator: HTTPS,
    setup: async (s) => {
      writeThree(s);
      const authority = `https://127.0.0.1:${await closedPort()}`;
      // A refused connection is retried as transient; --retries 0 keeps the case short.
      const { args, env } = clientSecretRun(s, ["--authority-host", authority, "--retries", "0"]);
      return { args: args.filter((arg) => arg !== "--json"), env };
    },
    code: 5,
    says: "could not reach 127.0.0.1",
    requests: 0,
    check: (result) => expect(result.stdout).toContain("the connection was refused"),
  },
  {
    row: "4b: a Graph URL on a port fetch blocks: exit 5 saying so at once, not an unknown failure",
    emulator: HTTPS,
    setup: (s) => {
      writeThree(s);
      return { args: humanUpload(s, ["--graph-url", "https://127.0.0.1:6000/beta"]) };
    },
    code: 5,
    says: "could not reach 127.0.0.1:6000",
    requests: 0,
    check: (result) =>
      expect(result.stdout).toContain(
        "fetch does not connect to this port (the Fetch standard blocks it, as it does 6000 and 10080): use another (bad port)",
      ),
  },
  {
    row: "5: a --client-certificate file that does not exist",
    emulator: HTTPS,
    setup: (s) => {
      writeThree(s);
      const { args, env } = clientSecretRun(s);
      const secret = args.indexOf("--client-secret-file");
      args.splice(secret, 2, "--client-certificate", join(s.root, "app.pem"));
      return { args, env };
    },
    code: 2,
    says: `--client-certificate: cannot read`,
    requests: 0,
    check: (result) => expect(result.stderr).toContain("no such file or directory (ENOENT)"),
  },
  {
    row: "5: a client certificate PEM without its private key",
    emulator: HTTPS,
    setup: (s) => {
      writeThree(s);
      const pem = join(s.root, "app.pem");
      writeFileSync(pem, leaves[0]!.pem);
      const { args, env } = clientSecretRun(s);
      const secret = args.indexOf("--client-secret-file");
      args.splice(secret, 2, "--client-certificate", pem);
      return { args, env };
    },
    code: 2,
    says: "app.pem holds no private key",
    requests: 0,
  },
  {
    row: "5: --authority-host over plain http",
    emulator: HTTPS,
    setup: (s) => {
      writeThree(s);
      const { args, env } = clientSecretRun(s, ["--authority-host", "http://login.example.com"]);
      return { args, env };
    },
    code: 2,
    says: '--authority-host: "http://login.example.com" must use https',
    requests: 0,
  },
  {
    row: "6: a wrong secret: exit 3, Entra ID's message once per run, one token request (after discovery)",
    emulator: HTTPS,
    setup: (s) => {
      writeThree(s);
      const { args, env } = clientSecretRun(s);
      writeFileSync(join(s.root, "client-secret"), "wrong-secret\n");
      return { args: args.filter((arg) => arg !== "--json"), env };
    },
    code: 3,
    says: "AADSTS7000215",
    requests: 2,
    check: (result) => expect(result.stdout.split("AADSTS7000215")).toHaveLength(2),
  },
  {
    row: "7: read-only consent: exit 3 naming the missing permission, from Intune's 403",
    emulator: { ...NO_FAULTS, https: true, clients: [{ ...APP, roles: ["DeviceManagementApps.Read.All"] }] },
    setup: (s) => {
      writeThree(s);
      const { args, env } = clientSecretRun(s, ["--concurrency", "1"]);
      return { args: args.filter((arg) => arg !== "--json"), env };
    },
    code: 3,
    says: "failed   all 3: auth_failed: Graph refused the request (403 Forbidden): the app needs the application permission DeviceManagementApps.ReadWrite.All",
    // Discovery, the token, the listing, and one create: Intune would refuse the other two alike.
    requests: 4,
  },
  {
    row: "8: two patterns after one --include: the second taken for a folder is named as a pattern",
    setup: (s) => {
      writeThree(s);
      const args = s.uploadArgs();
      args.splice(args.length - 1, 0, "--include", "*.pem", "**/*.crt");
      return { args };
    },
    code: 2,
    says: '"**/*.crt" looks like a pattern: --include and --exclude take one pattern each, repeat the flag',
    requests: 0,
  },
  {
    row: "8: --exclude '*.key' (no slash) skips team1/a.key at any depth, as .gitignore does",
    emulator: NO_FAULTS,
    setup: (s) => {
      writeThree(s);
      s.write("team1/a.key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
      return { args: s.uploadArgs(["--exclude", "*.key"]) };
    },
    code: 0,
    says: '"files":3',
    // The listing and three creates.
    requests: 4,
  },
  {
    row: "9: an empty (unmounted) folder: a warning in the report, exit 1",
    setup: (s) => ({ args: s.uploadArgs() }),
    code: 1,
    says: '"code":"empty_folder"',
    requests: 0,
  },
  {
    row: "9: an empty folder with --allow-empty: exit 0, the warning stays",
    setup: (s) => ({ args: s.uploadArgs(["--allow-empty"]) }),
    code: 0,
    says: '"code":"empty_folder"',
    requests: 0,
  },
  {
    row: "9: --include '*.cert' matching nothing: a warning naming the pattern",
    setup: (s) => {
      writeThree(s);
      return { args: s.uploadArgs(["--include", "*.cert", "--allow-empty"]) };
    },
    code: 0,
    says: "--include '*.cert' matched no file",
    requests: 0,
    check: (result) =>
      expect(reportOf(result).warnings.map((w) => [w.code, w.subject])).toEqual([
        ["empty_folder", expect.any(String)],
        ["unmatched_include", "*.cert"],
      ]),
  },
  {
    row: "10: a --map key that matches no file: unused_map_key in the log and the report",
    emulator: NO_FAULTS,
    setup: (s) => {
      writeThree(s);
      const map = join(s.root, "map.json");
      writeFileSync(map, JSON.stringify({ "folder2/a.pem": GUID }));
      return { args: s.uploadArgs(["--map", map]) };
    },
    code: 0,
    says: '--map key \\"folder2/a.pem\\" matches no file',
    requests: 4,
    check: (result) => {
      expect(reportOf(result).warnings).toEqual([
        expect.objectContaining({ code: "unused_map_key", subject: "folder2/a.pem" }),
      ]);
      expect(result.stderr).toContain('"code":"unused_map_key"');
    },
  },
  {
    row: "10: with --no-create, an unused map key is an error and nothing is sent",
    setup: (s) => {
      writeThree(s);
      const map = join(s.root, "map.json");
      writeFileSync(map, JSON.stringify({ "folder2/a.pem": GUID }));
      return { args: humanUpload(s, ["--map", map, "--no-create"]) };
    },
    code: 2,
    says: 'intune-codesign: --no-create: --map key(s) "folder2/a.pem" match no file, so nothing was sent',
    requests: 0,
    check: (result) =>
      expect(result.stdout).toContain(
        "unused_map_key: nothing was sent: --no-create and --map keys that match no file",
      ),
  },
  {
    row: "11: inspect honours INTUNE_CODESIGN_PFX_PASSWORD_FILE",
    setup: async (s) => {
      const password = join(s.root, "pfx-password");
      writeFileSync(password, "correct horse\n");
      await writePkcs12(join(s.certs, "signer.pfx"), leaves[0]!, password);
      return { args: ["inspect", "--json", s.certs], env: { INTUNE_CODESIGN_PFX_PASSWORD_FILE: password } };
    },
    code: 0,
    says: "CN=Mistake A",
    requests: 0,
  },
  {
    row: "11: a missing password file names the variable it came from",
    setup: (s) => {
      writeThree(s);
      return {
        args: ["inspect", s.certs],
        env: { INTUNE_CODESIGN_PFX_PASSWORD_FILE: join(s.root, "no-such-password") },
      };
    },
    code: 2,
    says: "environment variable INTUNE_CODESIGN_PFX_PASSWORD_FILE: ",
    requests: 0,
  },
  {
    row: "12: INTUNE_CODESIGN_RATE_LIMIT=abc names the variable",
    setup: (s) => ({ args: s.uploadArgs(), env: { INTUNE_CODESIGN_RATE_LIMIT: "abc" } }),
    code: 2,
    says: 'environment variable INTUNE_CODESIGN_RATE_LIMIT: Rate limit "abc"',
    requests: 0,
  },
  {
    row: "12: a config file's bad value names the file and the key",
    setup: (s) => {
      const config = join(s.root, "config.json");
      writeFileSync(config, JSON.stringify({ graphUrl: "http://graph.example.com/beta" }));
      return {
        args: s
          .uploadArgs(["--config", config])
          .filter((a, i, all) => a !== "--graph-url" && all[i - 1] !== "--graph-url"),
      };
    },
    code: 2,
    says: 'config.json (key "graphUrl"): Graph URL "http://graph.example.com" uses plain http',
    requests: 0,
  },
  {
    row: "15: on a terminal, the progress bar is cleared before a log line and redrawn after it",
    emulator: NO_FAULTS,
    setup: (s) => {
      writeThree(s);
      s.write("broken.cer", "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
      return { args: humanUpload(s), tty: true };
    },
    code: 1,
    says: "reading",
    requests: 4,
    check: (result) => {
      // biome-ignore lint/suspicious/noControlCharactersInRegex: colour sequences are what is stripped
      const screen = result.stdout.replace(/\x1b\[[0-9;]*m/g, "");
      const headers = [...screen.matchAll(/\[\d\d:\d\d:\d\d\.\d{3}\] (INFO|WARN|ERROR)/g)];
      expect(headers.length).toBeGreaterThan(4);
      // Each log line starts on a line of its own, or right after the bar's line was erased: never after the bar.
      for (const header of headers) {
        const before = screen.slice(0, header.index);
        expect(
          before === "" || before.endsWith("\n") || before.endsWith(ERASE_LINE),
          JSON.stringify(before.slice(-40)),
        ).toBe(true);
      }
      // The bar is drawn again, as it was, under a log line.
      expect(screen).toMatch(
        // biome-ignore lint/suspicious/noControlCharactersInRegex: the terminal's erase-line sequence
        /\r(\w+ +\[[#.]{30}\] \d+\/\d+)\r\x1b\[2K\[[^\r]*\r\n(?: {4}[^\r]*\r\n)*\r\1/,
      );
    },
  },
];

describe("mistakes (issue 14): one line naming the thing and the fix, a documented exit code", () => {
  it.each(CASES.map((c) => [c.row, c]))("row %s", async (_row, c) => {
    scenario = await Scenario.start({ ...c.emulator });
    const run = await c.setup(scenario);
    const result = run.tty ? await runInTerminal(run.args, run.env ?? {}) : await runCli(run.args, run.env);
    const output = `${result.stderr}${result.stdout}`;
    expect(output).toContain(c.says);
    expect(result.code).toBe(c.code);
    expect(output).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
    expect(scenario.emulator.requests().length + scenario.emulator.tokenRequests().length).toBe(c.requests);
    c.check?.(result);
  });
});
