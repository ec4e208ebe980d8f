import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Command } from "commander";
import { afterEach, describe, expect, it, vi } from "vitest";
import { uploadCommand } from "./commands/upload.js";
import { applyConfigFile } from "./config-file.js";
import { UsageError } from "./exit-codes.js";

const dir = mkdtempSync(join(tmpdir(), "cli-config-"));
let count = 0;

function configFile(content: unknown): string {
  const path = join(dir, `config-${count++}.json`);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

afterEach(() => {
  vi.unstubAllEnvs();
});

/** The real `upload` command with its options, parsed as the user typed `args`, without running the upload. */
async function parsed(args: string[], env: Record<string, string> = {}): Promise<Command> {
  vi.stubEnv("INTUNE_CODESIGN_RATE_LIMIT", undefined);
  vi.stubEnv("INTUNE_CODESIGN_STATE", undefined);
  vi.stubEnv("LOG_LEVEL", undefined);
  for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value);
  const command = uploadCommand()
    .exitOverride()
    .configureOutput({ writeErr: () => {}, writeOut: () => {} })
    .action(() => {});
  await command.parseAsync([...args, "/srv/certs"], { from: "user" });
  return command;
}

async function resolved(args: string[], env: Record<string, string>, config: unknown) {
  const command = await parsed(args, env);
  applyConfigFile(command, configFile(config));
  return command;
}

describe("applyConfigFile: flags > environment > config file > defaults", () => {
  const CONFIG = { rateLimit: "50/1s", state: "/from/config.db", logLevel: "debug" };
  it.each<[string, string[], Record<string, string>, [string, string, string]]>([
    ["defaults without a config", [], {}, ["100/20s", "default", "info"]],
    ["config over defaults", [], {}, ["50/1s", "config", "debug"]],
    [
      "environment over config",
      [],
      { INTUNE_CODESIGN_RATE_LIMIT: "20/1s", LOG_LEVEL: "warn" },
      ["20/1s", "env", "warn"],
    ],
    [
      "flag over environment and config",
      ["--rate-limit", "10/1s", "--log-level", "error"],
      { INTUNE_CODESIGN_RATE_LIMIT: "20/1s", LOG_LEVEL: "warn" },
      ["10/1s", "cli", "error"],
    ],
  ])("%s", async (name, args, env, [rateLimit, source, logLevel]) => {
    const command = await resolved(args, env, name === "defaults without a config" ? {} : CONFIG);
    expect([
      command.opts().rateLimit,
      command.getOptionValueSource("rateLimit"),
      command.opts().logLevel,
    ]).toEqual([rateLimit, source, logLevel]);
  });

  it("an option's own parser runs on config strings (sizes, integers, choices)", async () => {
    const command = await resolved(
      [],
      {},
      { maxFileSize: "512KiB", concurrency: "8", status: "notProvisioned" },
    );
    expect(command.opts()).toMatchObject({ maxFileSize: 524288, concurrency: 8, status: "notProvisioned" });
  });

  it("booleans, a negated flag, lists and a path from the config", async () => {
    const command = await resolved(
      [],
      {},
      { create: false, force: true, include: ["*.cer"], state: "/var/lib/s.db", map: "/etc/map.json" },
    );
    expect(command.opts()).toMatchObject({
      create: false,
      force: true,
      include: ["*.cer"],
      state: "/var/lib/s.db",
      map: "/etc/map.json",
    });
  });

  it("a flag given on the command line keeps its value when the config names it too", async () => {
    const command = await resolved(
      ["--no-create", "--concurrency", "2"],
      {},
      { create: true, concurrency: 9 },
    );
    expect(command.opts()).toMatchObject({ create: false, concurrency: 2 });
  });

  it.each([
    ["an unknown key", { rateLimit: "1/1s", nope: 1 }, 'unknown setting "nope"'],
    ["a flag's kebab-case spelling", { "rate-limit": "1/1s" }, 'unknown setting "rate-limit"'],
    ["the config key itself", { config: "/other.json" }, 'unknown setting "config"'],
    ["an array", [], "expected a JSON object"],
    ["null", null, "expected a JSON object"],
    ["a number", 7, "expected a JSON object"],
    ["a string", '"x"', "expected a JSON object"],
  ])("%s is a usage error", async (_name, config, message) => {
    const command = await parsed([]);
    const path = configFile(config);
    expect(() => applyConfigFile(command, path)).toThrow(new UsageError(`--config ${path}: ${message}`));
  });

  it("invalid JSON and a missing file are usage errors naming the path", async () => {
    const command = await parsed([]);
    const bad = configFile("{ nope");
    expect(() => applyConfigFile(command, bad)).toThrow(UsageError);
    expect(() => applyConfigFile(command, bad)).toThrow(`--config ${bad}: `);
    expect(() => applyConfigFile(command, join(dir, "missing.json"))).toThrow(
      `--config ${join(dir, "missing.json")}: cannot read it: no such file or directory (ENOENT)`,
    );
  });

  it.each([
    ["an invalid size", { maxFileSize: "lots" }],
    ["a choice not offered", { logLevel: "loud" }],
    ["a zero concurrency as a string", { concurrency: "0" }],
  ])("%s is refused by the option's parser: a usage error naming the file's key", async (_name, config) => {
    const command = await parsed([]);
    const apply = () => applyConfigFile(command, configFile(config));
    expect(apply).toThrow(UsageError);
    expect(apply).toThrow(`(key "${Object.keys(config)[0]}"): `);
  });

  it.each([
    ["a zero concurrency as a JSON number", { concurrency: 0 }],
    ["a negative retry count as a JSON number", { retries: -1 }],
    ["a fractional timeout as a JSON number", { timeout: 0.5 }],
  ])("%s is refused like the same value given as a string", async (_name, config) => {
    const command = await parsed([]);
    expect(() => applyConfigFile(command, configFile(config))).toThrow(UsageError);
  });
});
