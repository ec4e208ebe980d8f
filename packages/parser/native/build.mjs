#!/usr/bin/env node
// Builds the optional iterated-hash addon (iterated_hash.c) with node-gyp, here in this folder. It never fails its
// caller (the workspace's `build`, the published package's `install`): without a compiler, headers or node-gyp it
// says so in one line on stderr and exits 0, and the parser derives PKCS#12 keys in JavaScript instead.
//   node build.mjs             rebuild
//   node build.mjs --if-stale  rebuild only when the addon is missing or older than its sources
import { spawnSync } from "node:child_process";
import { hash } from "node:crypto";
import { existsSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const ADDON = join(HERE, "build", "Release", "iterated_hash.node");
const SOURCES = ["binding.gyp", "iterated_hash.c"].map((name) => join(HERE, name));

/** The addon is there and newer than every source. */
function fresh() {
  if (!existsSync(ADDON)) return false;
  const built = statSync(ADDON).mtimeMs;
  return SOURCES.every((source) => statSync(source).mtimeMs <= built);
}

/**
 * node-gyp's script: the workspace's pinned devDependency, else the one npm (or pnpm) names to lifecycle scripts in
 * npm_config_node_gyp (the published package's install has no node-gyp of its own).
 */
function nodeGyp() {
  try {
    return createRequire(import.meta.url).resolve("node-gyp/bin/node-gyp.js");
  } catch {
    const named = process.env.npm_config_node_gyp;
    return named && existsSync(named) ? named : null;
  }
}

/**
 * `--nodedir` for a Node.js installed with its headers (Debian's nodejs, the official tarballs): node-gyp then needs
 * no download of headers. An explicit npm_config_nodedir wins.
 */
function nodedirArgs() {
  if (process.env.npm_config_nodedir) return [];
  const prefix = dirname(dirname(process.execPath));
  return existsSync(join(prefix, "include", "node", "node_api.h")) ? [`--nodedir=${prefix}`] : [];
}

/** What went wrong, in a few words: the compiler's first error, node-gyp's, or the exit status. */
function reason(result) {
  if (result.error) return result.error.message;
  const lines = `${result.stdout}\n${result.stderr}`.split("\n").map((line) => line.trim());
  const patterns = [
    /(?:fatal )?error: .+$/,
    /^gyp ERR! stack (\w*Error: .+)$/,
    /^gyp ERR! find Python (You need to install .+)$/,
    /^gyp ERR! (\w+ error)$/,
  ];
  for (const pattern of patterns) {
    for (const line of lines) {
      const match = pattern.exec(line);
      if (match) return match[1] ?? match[0];
    }
  }
  return `node-gyp exited with status ${result.status}`;
}

/** The built addon agrees with node:crypto on one SHA-256: it loads in this Node.js and links its OpenSSL. */
function check() {
  const addon = createRequire(import.meta.url)(ADDON);
  const input = Buffer.from("intune-codesign");
  const expected = hash("sha256", hash("sha256", input, "buffer"), "hex");
  if (addon.iteratedHash("sha256", input, 2).toString("hex") !== expected)
    throw new Error("wrong SHA-256 output");
}

function build() {
  const script = nodeGyp();
  if (!script) return "node-gyp not found";
  const result = spawnSync(process.execPath, [script, "rebuild", ...nodedirArgs()], {
    cwd: HERE,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (result.status !== 0) return reason(result);
  try {
    check();
  } catch (error) {
    return `built but unusable: ${error instanceof Error ? error.message : String(error)}`;
  }
  return null;
}

if (!(process.argv.includes("--if-stale") && fresh())) {
  const failure = build();
  if (failure) {
    // A failed or unusable build leaves nothing behind, so the next build tries again.
    rmSync(join(HERE, "build"), { recursive: true, force: true });
    process.stderr.write(
      `native hash addon not built (${failure}); PKCS#12 files will open with the slower JavaScript key derivation\n`,
    );
  }
}
