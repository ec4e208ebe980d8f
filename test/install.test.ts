// Issue 12: the package installed the way the README says (`npm install -g` of the tarball `pnpm package` writes),
// then run as an unprivileged user from `/`, with the install tree and HOME unwritable: `--version`, `inspect`
// and an `upload` to the emulator write nothing but the state store named on the command line.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type RunningEmulator, startEmulator } from "@intune-codesign/graph-emulator";
import { makeCa, makeLeaf, sha256Of, writePkcs12 } from "@intune-codesign/testkit/certificates";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const VERSION = (
  JSON.parse(readFileSync(join(ROOT, "packages/cli/package.json"), "utf8")) as { version: string }
).version;
const IS_ROOT = process.getuid?.() === 0;
const NOBODY = 65534;
const TOKEN = "install-test-token-5d1e";
// Packing resolves the dependency tree against the registry and npm compiles better-sqlite3 from source (~1 min).
const INSTALL_TIMEOUT_MS = 600_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Every path under `dir` with its size, mtime and mode: what a write anywhere in it would change. */
function tree(dir: string): Map<string, string> {
  const entries = new Map<string, string>();
  const visit = (path: string) => {
    const stat = lstatSync(path);
    entries.set(path, `${stat.size} ${stat.mtimeMs} ${stat.mode}`);
    if (stat.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  visit(dir);
  return entries;
}

/** Entries directly in `dir` that the unprivileged user owns (other processes share /tmp; nobody's are ours). */
function ownedByNobody(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => {
      try {
        return lstatSync(join(dir, name)).uid === NOBODY;
      } catch {
        return false; // gone between the listing and the stat: someone else's
      }
    })
    .map((name) => join(dir, name));
}

if (!IS_ROOT) {
  process.stderr.write(
    "test/install.test.ts: skipped: installing into a prefix and dropping to nobody needs root\n",
  );
}

describe.skipIf(!IS_ROOT)(
  "the installed package (npm install -g of the tarball), run as nobody (needs root)",
  () => {
    let base: string;
    let prefix: string;
    let home: string;
    let work: string;
    let certs: string;
    let tokenFile: string;
    let passwordFile: string;
    let tarball: string;
    let emulator: RunningEmulator;
    const expected = new Map<string, string>();

    /** Runs the installed command as nobody, from `/`, with HOME unwritable and only PATH, HOME and `env` set. */
    function runInstalled(args: string[], env: Record<string, string> = {}): Promise<Run> {
      const child = spawn(
        "setpriv",
        ["--reuid=nobody", "--regid=nogroup", "--clear-groups", "--", "intune-codesign", ...args],
        {
          cwd: "/",
          env: {
            PATH: `${join(prefix, "bin")}:${dirname(process.execPath)}:/usr/bin:/bin`,
            HOME: home,
            LOG_LEVEL: "warn",
            ...env,
          },
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk) => {
        stdout += chunk;
      });
      child.stderr.on("data", (chunk) => {
        stderr += chunk;
      });
      return new Promise((resolve, reject) => {
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout, stderr }));
      });
    }

    beforeAll(async () => {
      base = mkdtempSync(join(tmpdir(), "intune-codesign-install-"));
      chmodSync(base, 0o755);
      prefix = join(base, "prefix");
      home = join(base, "home");
      work = join(base, "work");
      certs = join(base, "certs");
      for (const dir of [prefix, home, work, certs]) mkdirSync(dir);
      chownSync(work, NOBODY, NOBODY);

      tarball = execFileSync(process.execPath, [join(ROOT, "scripts/package.mjs")], {
        encoding: "utf8",
      }).trim();
      const npmEnv: NodeJS.ProcessEnv = {
        ...process.env,
        npm_config_audit: "false",
        npm_config_fund: "false",
      };
      // Debian's nodejs ships its headers: node-gyp uses them instead of downloading them.
      if (existsSync("/usr/include/node/node.h")) npmEnv.npm_config_nodedir = "/usr";
      const install = spawnSync("npm", ["install", "-g", "--prefix", prefix, tarball], {
        env: npmEnv,
        encoding: "utf8",
      });
      expect(install.status, install.stderr).toBe(0);
      // The shrinkwrap holds every dependency to releases that support the package's Node.js versions.
      expect(install.stderr).not.toContain("EBADENGINE");
      // The install script built the iterated-hash addon with npm's node-gyp (this machine has a compiler).
      expect(install.stderr).not.toContain("native hash addon not built");

      const ca = await makeCa("C=US, O=Install Test, CN=Install Test Root");
      const names = ["DER Signing", "PEM Signing", "PFX Signing"];
      const [der, pem, pfx] = await Promise.all(
        names.map((name) => makeLeaf(ca, { subject: `C=US, O=Install Test, CN=${name}` })),
      );
      if (!der || !pem || !pfx) throw new Error("three certificates expected");
      writeFileSync(join(certs, "signing.cer"), der.der);
      writeFileSync(join(certs, "signing.pem"), pem.pem);
      passwordFile = join(base, "pfx-password");
      writeFileSync(passwordFile, "install-test-password\n");
      await writePkcs12(join(certs, "signing.pfx"), pfx, passwordFile);
      // Graph's subject is the Windows rendering: most specific RDN first.
      for (const [index, leaf] of [der, pem, pfx].entries()) {
        expected.set(sha256Of(leaf), `CN=${names[index]}, O=Install Test, C=US`);
      }
      tokenFile = join(base, "token");
      writeFileSync(tokenFile, `${TOKEN}\n`);
      for (const file of [passwordFile, tokenFile, ...readdirSync(certs).map((name) => join(certs, name))]) {
        chmodSync(file, 0o644);
      }

      emulator = await startEmulator({ staticTokens: [TOKEN] });
    }, INSTALL_TIMEOUT_MS);

    afterAll(async () => {
      await emulator?.close();
      if (base) rmSync(base, { recursive: true, force: true });
    });

    it("the tarball is dist/intune-codesign-<version>.tgz and holds no tests, sources or fixtures", () => {
      expect(tarball).toBe(join(ROOT, "dist", `intune-codesign-${VERSION}.tgz`));
      const files = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" }).trim().split("\n");
      expect(files).toContain("package/bin/intune-codesign.js");
      expect(files).toContain("package/dist/main.js");
      expect(files).toContain("package/dist/parser-worker.js");
      expect(files).toContain("package/npm-shrinkwrap.json");
      expect(files.filter((file) => file.startsWith("package/native/")).sort()).toEqual([
        "package/native/binding.gyp",
        "package/native/build.mjs",
        "package/native/iterated_hash.c",
      ]);
      expect(files.filter((file) => /\.test\.|test-helper|fixture|\.ts$|\.map$|tsconfig/.test(file))).toEqual(
        [],
      );
      const manifest = JSON.parse(
        execFileSync("tar", ["-xzOf", tarball, "package/package.json"], { encoding: "utf8" }),
      ) as Record<string, unknown>;
      expect(manifest).not.toHaveProperty("devDependencies");
      expect(manifest.scripts).toEqual({ install: "node native/build.mjs" });
      expect(
        Object.keys(manifest.dependencies as object).filter((name) => name.startsWith("@intune-codesign/")),
      ).toEqual([]);
    });

    it("the install tree is not writable by the user who runs it", async () => {
      const probe = join(prefix, "lib", "node_modules", "intune-codesign", "probe");
      const result = await new Promise<number | null>((resolve) =>
        spawn("setpriv", ["--reuid=nobody", "--regid=nogroup", "--clear-groups", "--", "touch", probe], {
          stdio: "ignore",
        }).on("close", resolve),
      );
      expect(result).not.toBe(0);
      expect(existsSync(probe)).toBe(false);
    });

    it("derives PKCS#12 keys in the addon built at install, and in JavaScript with INTUNE_CODESIGN_NATIVE=off", async () => {
      const addon = join(
        prefix,
        "lib",
        "node_modules",
        "intune-codesign",
        "native",
        "build",
        "Release",
        "iterated_hash.node",
      );
      expect(existsSync(addon)).toBe(true);
      // The dynamic loader's own trace (on stderr) names each library it initialises, in every thread.
      const args = ["inspect", "--json", "--pfx-password-file", passwordFile, join(certs, "signing.pfx")];
      const native = await runInstalled(args, { LD_DEBUG: "files" });
      const js = await runInstalled(args, { LD_DEBUG: "files", INTUNE_CODESIGN_NATIVE: "off" });
      expect([native.code, js.code]).toEqual([0, 0]);
      const initialised = (run: Run) => run.stderr.includes(`calling init: ${addon}\n`);
      expect([initialised(native), initialised(js)]).toEqual([true, false]);
      const certificates = (run: Run) =>
        (
          JSON.parse(run.stdout) as {
            files: Array<{ error: unknown; certificates: Array<{ sha256: string }> }>;
          }
        ).files.map((file) => [file.error, file.certificates.map((c) => c.sha256)]);
      expect(certificates(native)).toEqual([[null, [[...expected.keys()][2]]]]);
      expect(certificates(js)).toEqual(certificates(native));
    });

    it("--version, inspect and upload run and write only the state store they were given", async () => {
      const watched = [home, prefix, certs];
      const before = watched.map(tree);
      const sharedDirs = ["/", "/tmp", "/var/tmp", "/dev/shm"].filter(existsSync);
      const nobodysBefore = sharedDirs.flatMap(ownedByNobody);

      const version = await runInstalled(["--version"]);
      expect(version).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: "" });

      const inspect = await runInstalled(["inspect", "--json", "--pfx-password-file", passwordFile, certs]);
      expect(inspect.stderr).toBe("");
      expect(inspect.code).toBe(0);
      const listed = (
        JSON.parse(inspect.stdout) as {
          files: Array<{
            path: string;
            error: unknown;
            certificates: Array<{ sha256: string; subject: string }>;
          }>;
        }
      ).files;
      expect(listed.map((file) => [file.path, file.error])).toEqual([
        [join(certs, "signing.cer"), null],
        [join(certs, "signing.pem"), null],
        [join(certs, "signing.pfx"), null],
      ]);
      const seen = new Map(
        listed.flatMap((file) => file.certificates.map((c) => [c.sha256, c.subject] as const)),
      );
      expect(seen).toEqual(expected);

      const state = join(work, "state", "state.db");
      const upload = await runInstalled([
        "upload",
        "--graph-url",
        emulator.url,
        "--access-token-file",
        tokenFile,
        "--pfx-password-file",
        passwordFile,
        "--state",
        state,
        "--json",
        certs,
      ]);
      expect(upload.stderr).toBe("");
      expect(upload.code).toBe(0);
      expect((JSON.parse(upload.stdout) as { summary: Record<string, number> }).summary).toMatchObject({
        files: 3,
        certificates: 3,
        created: 3,
        failed: 0,
      });
      expect(
        emulator
          .objects()
          .map((object) => object.subject)
          .sort(),
      ).toEqual([...expected.values()].sort());

      expect(watched.map(tree)).toEqual(before);
      expect(sharedDirs.flatMap(ownedByNobody)).toEqual(nobodysBefore);
      expect(readdirSync(work)).toEqual(["state"]);
      // The state store, its companions and (without XDG_RUNTIME_DIR) the tenant's lock, all in the given folder.
      expect(
        readdirSync(join(work, "state")).every(
          (name) => name.startsWith("state.db") || /^tenant-[0-9a-f]{16}\.lock/.test(name),
        ),
      ).toBe(true);
    });

    it("upload loads no demo or emulator code", async () => {
      // A module hook records every file the process loads; the bundle names each module it holds in a comment.
      const trace = join(work, "loaded.txt");
      const hooks = join(base, "hooks.mjs");
      writeFileSync(
        hooks,
        'import { appendFileSync } from "node:fs";\n' +
          "export async function load(url, context, next) {\n" +
          "  appendFileSync(process.env.LOAD_TRACE, url + '\\n');\n" +
          "  return next(url, context);\n" +
          "}\n",
      );
      const register = join(base, "register.mjs");
      writeFileSync(
        register,
        `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
      );
      chmodSync(hooks, 0o644);
      chmodSync(register, 0o644);
      const upload = await runInstalled(
        [
          "upload",
          "--dry-run",
          "--graph-url",
          emulator.url,
          "--access-token-file",
          tokenFile,
          "--pfx-password-file",
          passwordFile,
          "--state",
          join(work, "dry.db"),
          certs,
        ],
        { NODE_OPTIONS: `--import=${pathToFileURL(register).href}`, LOAD_TRACE: trace },
      );
      expect(upload.stderr).toBe("");
      expect(upload.code).toBe(0);
      const dist = pathToFileURL(join(prefix, "lib", "node_modules", "intune-codesign", "dist")).href;
      const chunks = readFileSync(trace, "utf8")
        .split("\n")
        .filter((url) => url.startsWith(`${dist}/`));
      expect(chunks).toContain(`${dist}/main.js`);
      const modules = chunks.flatMap((url) =>
        [...readFileSync(fileURLToPath(url), "utf8").matchAll(/^\/\/ (packages\/\S+\.js)$/gm)].map(
          (match) => match[1],
        ),
      );
      expect(modules.length).toBeGreaterThan(0);
      // Every command's --help names the emulator's fault kinds and default limits: its `constants` module, which
      // runs nothing, is all of the emulator that loads.
      const startUpOnly = /graph-emulator\/dist\/constants\.js$/;
      expect(
        modules.filter((module) => /\/demo\/|graph-emulator\//.test(module!) && !startUpOnly.test(module!)),
      ).toEqual([]);
    });
  },
);
