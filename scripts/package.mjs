#!/usr/bin/env node
// `pnpm package`: the publishable `intune-codesign` package, as dist/intune-codesign-<version>.tgz.
//
// The CLI's built main and every worker it starts are bundled (rolldown) with the workspace packages they import,
// wherever those sit under packages/; third-party packages stay imports and become the package's `dependencies`, at
// the versions the workspace packages that import them declare. The CLI's launcher (V8 flags, then ../dist/main.js)
// is shipped as it is. Run after `tsc -b` (the root script does). The parser's optional native addon ships as source in
// native/, beside the flat dist/ (the relative URL the parser loads it by holds there too), and the package's
// `install` script builds it; without a compiler the install still succeeds and the parser uses JavaScript.
import { execFileSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { rolldown } from "rolldown";
import { parse as parseYaml } from "yaml";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const NAME = "intune-codesign";
const WORKSPACE_SCOPE = "@intune-codesign/";
const readJson = (path) => JSON.parse(readFileSync(path, "utf8"));
const NATIVE_DIR = join(ROOT, "packages", "parser", "native");
const NATIVE_SOURCES = ["binding.gyp", "iterated_hash.c", "build.mjs"];

const cliDir = realpathSync(join(ROOT, "node_modules", "@intune-codesign", "cli"));
const cli = readJson(join(cliDir, "package.json"));
const launcher = join(cliDir, cli.bin[NAME]);
const mainEntry = resolve(dirname(launcher), launcherTarget(readFileSync(launcher, "utf8")));

/** The module the launcher loads once the V8 flags are set: the one `await import("…")` in it. */
function launcherTarget(source) {
  const targets = [...source.matchAll(/await import\("([^"]+)"\)/g)].map((match) => match[1]);
  if (targets.length !== 1)
    throw new Error(`${launcher}: expected one \`await import("…")\`, found ${targets.length}`);
  return targets[0];
}

/** `name` of a bare specifier (`pino`, `@scope/name`, `node-forge/lib/asn1.js` → `node-forge`), else null. */
function packageName(specifier) {
  if (specifier.startsWith(".") || isAbsolute(specifier) || specifier.startsWith("node:")) return null;
  if (builtinModules.includes(specifier.split("/")[0])) return null;
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/** The package.json that owns a file: the nearest one above it. */
function owningManifest(file) {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return join(dir, "package.json");
  }
  throw new Error(`no package.json above ${file}`);
}

// A worker is started as `new Worker(new URL("./x.js", import.meta.url))`: its file becomes an entry of its own,
// emitted next to the chunk that names it (every chunk sits in one flat folder, so the relative URL still holds).
const WORKER_URL = /new URL\(\s*["']\.\/([\w.-]+\.js)["']\s*,\s*import\.meta\.url\s*\)/g;
// A package loaded with createRequire(import.meta.url)("x") is no import the bundler sees; it must still be installed.
const REQUIRED = /(?:\brequire|createRequire\(import\.meta\.url\))\(\s*["']([^"'.][^"']*)["']\s*\)/g;

const workspaceManifests = new Set();
const requiredAtRuntime = new Set();
const workspacePlugin = {
  name: "intune-codesign-workspace",
  transform(code, id) {
    if (!isAbsolute(id) || /[\\/]node_modules[\\/]/.test(id)) return null;
    workspaceManifests.add(owningManifest(id));
    for (const [, file] of code.matchAll(WORKER_URL)) {
      this.emitFile({ type: "chunk", id: join(dirname(id), file), fileName: file });
    }
    for (const [, specifier] of code.matchAll(REQUIRED)) {
      const name = packageName(specifier);
      if (name) requiredAtRuntime.add(name);
    }
    return null;
  },
};

const stage = mkdtempSync(join(tmpdir(), `${NAME}-package-`));
try {
  const bundle = await rolldown({
    input: { main: mainEntry },
    platform: "node",
    // Only workspace code is bundled; everything published stays a dependency (better-sqlite3 is native).
    external: (id) => packageName(id) !== null && !id.startsWith(WORKSPACE_SCOPE),
    plugins: [workspacePlugin],
  });
  const { output } = await bundle.write({
    dir: join(stage, "dist"),
    format: "esm",
    entryFileNames: "[name].js",
    chunkFileNames: "[name]-[hash].js",
  });
  await bundle.close();

  const chunks = output.filter((file) => file.type === "chunk");
  const ownFiles = new Set(chunks.map((chunk) => chunk.fileName));
  const imported = new Set(requiredAtRuntime);
  for (const chunk of chunks) {
    for (const id of [...chunk.imports, ...chunk.dynamicImports]) {
      const name = ownFiles.has(id) ? null : packageName(id);
      if (name) imported.add(name);
    }
  }
  const pkg = {
    name: NAME,
    version: cli.version,
    description: cli.description,
    license: cli.license,
    type: "module",
    bin: { [NAME]: `bin/${NAME}.js` },
    // npm runs it with its own node-gyp (npm_config_node_gyp); it never fails the install.
    scripts: { install: "node native/build.mjs" },
    engines: readJson(join(ROOT, "package.json")).engines,
    dependencies: declaredVersions([...imported].sort()),
    // The workspace's pins of transitive dependencies (@azure/identity's, held to Node 20 releases). npm applies
    // them only to the project it installs at the top, so they are resolved here into npm-shrinkwrap.json, which
    // npm does honour when it installs this package, globally too.
    overrides: parseYaml(readFileSync(join(ROOT, "pnpm-workspace.yaml"), "utf8")).overrides ?? {},
  };

  mkdirSync(join(stage, "bin"));
  copyFileSync(launcher, join(stage, "bin", `${NAME}.js`));
  for (const doc of ["README.md", "CHANGELOG.md"]) copyFileSync(join(ROOT, doc), join(stage, doc));
  mkdirSync(join(stage, "native"));
  for (const source of NATIVE_SOURCES) copyFileSync(join(NATIVE_DIR, source), join(stage, "native", source));
  writeFileSync(join(stage, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
  execFileSync(
    "npm",
    ["install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund", "--silent"],
    {
      cwd: stage,
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  execFileSync("npm", ["shrinkwrap", "--silent"], { cwd: stage, stdio: ["ignore", "ignore", "inherit"] });

  mkdirSync(join(ROOT, "dist"), { recursive: true });
  execFileSync("npm", ["pack", "--silent", "--pack-destination", join(ROOT, "dist")], {
    cwd: stage,
    stdio: ["ignore", "ignore", "inherit"],
  });
  process.stdout.write(`${join(ROOT, "dist", `${NAME}-${pkg.version}.tgz`)}\n`);
} finally {
  rmSync(stage, { recursive: true, force: true });
}

/** Each package's version as the bundled workspace packages declare it: exact, and the same wherever declared. */
function declaredVersions(names) {
  const declared = new Map();
  for (const manifest of workspaceManifests) {
    for (const [name, version] of Object.entries(readJson(manifest).dependencies ?? {})) {
      if (version.startsWith("workspace:")) continue;
      if (declared.has(name) && declared.get(name) !== version) {
        throw new Error(`${name} is declared as ${declared.get(name)} and ${version} in the workspace`);
      }
      declared.set(name, version);
    }
  }
  const missing = names.filter((name) => !declared.has(name));
  if (missing.length > 0)
    throw new Error(`imported but declared by no bundled package: ${missing.join(", ")}`);
  return Object.fromEntries(names.map((name) => [name, declared.get(name)]));
}
