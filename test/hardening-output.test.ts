import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeCa, makeLeaf } from "@intune-codesign/testkit/certificates";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, runCli } from "./helpers/cli.js";
import { Scenario } from "./helpers/scenario.js";

/** Every C0 control but NUL (which no file name holds), DEL, every C1 control, and the format characters. */
const CONTROLS = [
  ...Array.from({ length: 31 }, (_, i) => String.fromCharCode(i + 1)),
  "\x7f",
  ...Array.from({ length: 32 }, (_, i) => String.fromCharCode(0x80 + i)),
];
const FORMAT = [
  "\u061c",
  "\u200b",
  "\u200c",
  "\u200d",
  "\u200e",
  "\u200f",
  "\u202a",
  "\u202b",
  "\u202c",
  "\u202d",
  "\u202e",
  "\u2028",
  "\u2029",
  "\u2060",
  "\u2066",
  "\u2067",
  "\u2068",
  "\u2069",
  "\ufeff",
  "\u{e0041}",
];
/** What a hostile name packs: the sequences of the red-team pass, then every such character on its own. */
const HOSTILE = `\x1b[2J\x1b]0;pwned\x07\x1b]8;;http://evil.example/\x07x\nFAKE SUMMARY: 0 failed\n${[...CONTROLS, ...FORMAT].join("")}`;
/** In a file name: no slash (a path separator) and no NUL. */
const HOSTILE_NAME = HOSTILE.replace(/\//g, "_");

/** Any character a terminal would act on or hide, but the newlines that end the tool's own lines. */
const RAW = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
const raw = (text: string) => RAW.exec(text.replace(/\n/g, ""))?.[0];

const escaped = (text: string) =>
  text.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, (c) => {
    const code = c.codePointAt(0)!;
    return code < 0x100
      ? `\\x${code.toString(16).padStart(2, "0")}`
      : code <= 0xffff
        ? `\\u${code.toString(16).padStart(4, "0")}`
        : `\\u{${code.toString(16)}}`;
  });

let scenario: Scenario;
let folder: string;

beforeAll(async () => {
  scenario = await Scenario.start({ faults: undefined });
  folder = scenario.certs;
  const leaf = await makeLeaf(await makeCa(), { subject: [{ CN: [`Evil ${HOSTILE}`] }], days: 10 });
  writeFileSync(join(folder, `${HOSTILE_NAME}.cer`), leaf.der);
  writeFileSync(join(folder, `broken ${HOSTILE_NAME}.pem`), "-----BEGIN CERTIFICATE-----\nnot base64\n");
});
afterAll(async () => {
  await scenario.close();
});

describe("human output shows non-printing characters escaped (issue 17 row 3)", () => {
  it("inspect: the table and the error list", async () => {
    const result = await runCli(["inspect", folder]);
    expect(result.code).toBe(1);
    expect(raw(result.stdout)).toBeUndefined();
    expect(result.stdout).toContain(`${escaped(join(folder, HOSTILE_NAME))}.cer  Evil ${escaped(HOSTILE)}  `);
    expect(result.stdout).toContain(`  ${escaped(join(folder, `broken ${HOSTILE_NAME}`))}.pem: `);
    expect(result.stdout).not.toContain("\nFAKE SUMMARY");
  });

  it("upload: summary, failed lines, the dry run's plan and the expiry list", async () => {
    const text = await runCli(
      scenario.uploadArgs(["--dry-run", "--warn-days", "30"]).filter((a) => a !== "--json"),
    );
    expect(text.code).toBe(1);
    expect(raw(text.stdout)).toBeUndefined();
    const path = `${escaped(join(folder, HOSTILE_NAME))}.cer`;
    const broken = `${escaped(join(folder, `broken ${HOSTILE_NAME}`))}.pem`;
    expect(text.stdout).toContain(`\n  failed   ${broken}: `);
    expect(text.stdout).toContain(`\n  create     CN="Evil ${escaped(HOSTILE)}"  ${path}\n`);
    expect(text.stdout).toContain(`\n  fail       ${broken}  (`);
    expect(text.stdout).toMatch(
      new RegExp(`\\n  \\S+Z  ${escapeRegExp(`CN="Evil ${escaped(HOSTILE)}"`)}\\n`),
    );
    expect(text.stdout).not.toContain("\nFAKE SUMMARY");
  });

  it("status: the table's subjects and files, and the unreadable files", async () => {
    const result = await runCli([
      "status",
      "--graph-url",
      scenario.emulator.url,
      "--access-token-file",
      scenario.tokenFile,
      "--state",
      scenario.state,
      folder,
    ]);
    expect(result.code).toBe(0);
    expect(raw(result.stdout)).toBeUndefined();
    const path = `${escaped(join(folder, HOSTILE_NAME))}.cer`;
    const broken = `${escaped(join(folder, `broken ${HOSTILE_NAME}`))}.pem`;
    expect(result.stdout).toContain(`  CN="Evil ${escaped(HOSTILE)}"  (${path})\n`);
    expect(result.stdout).toContain(`\nunreadable  ${broken}: `);
    expect(result.stdout).not.toContain("\nFAKE SUMMARY");
  });

  it("an error message naming a path", async () => {
    const missing = join(tmpdir(), HOSTILE_NAME);
    const result = await runCli(["inspect", missing]);
    expect(result.code).toBe(2);
    expect(raw(result.stderr)).toBeUndefined();
    expect(result.stderr).toContain(escaped(missing));
  });

  it("pretty logs on a terminal (run under script(1) for a TTY)", async () => {
    // Without --json: the report's JSON keeps its own escaping (JSON.stringify leaves DEL, C1 and bidi as they are).
    const args = scenario.uploadArgs(["--dry-run"]).filter((arg) => arg !== "--json");
    const command = [process.execPath, CLI, ...args]
      .map((arg) => `'${arg.replace(/'/g, "'\\''")}'`)
      .join(" ");
    const child = spawn("script", ["-qec", command, "/dev/null"], {
      env: { ...process.env, NO_COLOR: "1", LOG_LEVEL: "info" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let terminal = "";
    child.stdout.on("data", (chunk) => {
      terminal += chunk;
    });
    await new Promise((resolve) => child.on("close", resolve));
    // The terminal's own line ends are CR LF.
    const output = terminal.replace(/\r\n/g, "\n");
    expect(output).toContain(`file: "${escaped(join(folder, `broken ${HOSTILE_NAME}`))}.pem"`);
    const found = raw(output);
    expect(
      found &&
        JSON.stringify(output.slice(Math.max(0, output.indexOf(found) - 80), output.indexOf(found) + 20)),
    ).toBeUndefined();
  });

  it("JSON outputs stay as they are: the exact name, JSON-escaped", async () => {
    const result = await runCli(["inspect", "--json", folder]);
    const paths = (JSON.parse(result.stdout) as { files: Array<{ path: string }> }).files.map((f) => f.path);
    expect(paths).toContain(join(folder, `${HOSTILE_NAME}.cer`));
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
