import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pathBytes, underRoots, type WalkEntry, type WalkOptions, walk } from "./walk.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cli-walk-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Creates files (content = their name) and folders under `base`; a name ending in `/` is a folder. */
function tree(base: string, names: string[]): void {
  for (const name of names) {
    const path = join(base, name);
    if (name.endsWith("/")) mkdirSync(path, { recursive: true });
    else {
      mkdirSync(join(path, ".."), { recursive: true });
      writeFileSync(path, name);
    }
  }
}

/** What a test asserts of an entry: relative path, display form and why it is not a file (or its size). */
function summary(entry: WalkEntry) {
  return {
    relative: entry.relative,
    display: entry.display,
    outcome: entry.problem ?? `file of ${entry.stats?.size} bytes`,
  };
}

async function walkRelative(options?: WalkOptions, roots = [dir]): Promise<string[]> {
  return (await walk(roots, options)).map((entry) => entry.relative);
}

describe("walk: order", () => {
  it("returns files of nested folders in bytewise path order ('.' 0x2e sorts before '/' 0x2f)", async () => {
    tree(dir, ["b.cer", "a/b", "a.txt", "a/c/d.pem", "A.cer", "a-b/x", "é.cer", "z.cer", "a/.hidden"]);
    expect(await walkRelative()).toEqual([
      "A.cer",
      "a-b/x",
      "a.txt",
      "a/.hidden",
      "a/b",
      "a/c/d.pem",
      "b.cer",
      "z.cer",
      "é.cer",
    ]);
  });

  it("keeps each entry's path, display, root and stats consistent", async () => {
    tree(dir, ["sub/one.cer"]);
    const [entry] = await walk([`${dir}/`]);
    expect(entry).toMatchObject({
      path: `${dir}/sub/one.cer`,
      display: `${dir}/sub/one.cer`,
      root: `${dir}/`,
      relative: "sub/one.cer",
      problem: null,
    });
    expect(entry!.stats!.size).toBe("sub/one.cer".length);
  });

  it("sorts the entries of several roots together by full path", async () => {
    tree(dir, ["b/1.cer", "a/2.cer", "a/sub/3.cer"]);
    const entries = await walk([join(dir, "b"), join(dir, "a")]);
    expect(entries.map((e) => [e.root, e.relative])).toEqual([
      [join(dir, "a"), "2.cer"],
      [join(dir, "a"), "sub/3.cer"],
      [join(dir, "b"), "1.cer"],
    ]);
  });

  it("returns nothing for an empty folder", async () => {
    tree(dir, ["empty/"]);
    expect(await walk([dir])).toEqual([]);
  });
});

describe("walk: --include and --exclude match a file name at any depth, or with a slash the path relative to its root", () => {
  const files = ["a.cer", "a.pem", "sub/b.cer", "sub/deep/c.cer", ".hidden.cer", "sub/.d.cer"];
  it.each<[string, WalkOptions, string[]]>([
    ["no globs", {}, [".hidden.cer", "a.cer", "a.pem", "sub/.d.cer", "sub/b.cer", "sub/deep/c.cer"]],
    [
      "empty lists are no filter",
      { include: [], exclude: [] },
      [".hidden.cer", "a.cer", "a.pem", "sub/.d.cer", "sub/b.cer", "sub/deep/c.cer"],
    ],
    [
      "*.cer (no slash) matches a file name at any depth, as in .gitignore",
      { include: ["*.cer"] },
      [".hidden.cer", "a.cer", "sub/.d.cer", "sub/b.cer", "sub/deep/c.cer"],
    ],
    [
      "/*.cer (a leading slash) matches the top level only",
      { include: ["/*.cer"] },
      [".hidden.cer", "a.cer"],
    ],
    [
      "sub/*.cer (a slash) matches relative to the root",
      { include: ["sub/*.cer"] },
      ["sub/.d.cer", "sub/b.cer"],
    ],
    ["deep/ (a trailing slash) matches a folder at any depth", { include: ["deep/"] }, ["sub/deep/c.cer"]],
    ["exclude *.cer (no slash) skips it in sub-folders too", { exclude: ["*.cer"] }, ["a.pem"]],
    [
      "**/*.cer matches at any depth, dot files too",
      { include: ["**/*.cer"] },
      [".hidden.cer", "a.cer", "sub/.d.cer", "sub/b.cer", "sub/deep/c.cer"],
    ],
    ["several include globs", { include: ["*.pem", "sub/deep/**"] }, ["a.pem", "sub/deep/c.cer"]],
    ["exclude a folder", { exclude: ["sub/**"] }, [".hidden.cer", "a.cer", "a.pem"]],
    [
      "exclude wins over include",
      { include: ["**/*.cer"], exclude: ["**/.*"] },
      ["a.cer", "sub/b.cer", "sub/deep/c.cer"],
    ],
    ["a glob that matches nothing", { include: ["*.p12"] }, []],
  ])("%s", async (_name, options, expected) => {
    tree(dir, files);
    expect(await walkRelative(options)).toEqual(expected);
  });

  it("takes a file named as a root whatever the globs say", async () => {
    tree(dir, ["x.der", "folder/y.der"]);
    const entries = await walk([join(dir, "x.der"), join(dir, "folder")], { include: ["*.cer"] });
    expect(entries.map((e) => [e.root, e.relative])).toEqual([[join(dir, "x.der"), "x.der"]]);
  });
});

describe("walk: a file given directly as a root", () => {
  it("is returned once, relative to itself, with its stats", async () => {
    tree(dir, ["leaf.cer", "other.cer"]);
    const entries = await walk([join(dir, "leaf.cer")]);
    expect(entries.map(summary)).toEqual([
      { relative: "leaf.cer", display: join(dir, "leaf.cer"), outcome: "file of 8 bytes" },
    ]);
    expect(entries[0]!.root).toBe(join(dir, "leaf.cer"));
  });

  it("a FIFO given as a root is a problem, not opened", async () => {
    execFileSync("mkfifo", [join(dir, "pipe")]);
    expect((await walk([join(dir, "pipe")])).map(summary)).toEqual([
      { relative: "pipe", display: join(dir, "pipe"), outcome: "not a regular file (FIFO)" },
    ]);
  });
});

describe("walk: symbolic links", () => {
  it("follows a link to a file inside the root and shows it under the link's path", async () => {
    tree(dir, ["real/leaf.cer"]);
    symlinkSync("real/leaf.cer", join(dir, "link.cer"));
    expect((await walk([dir])).map(summary)).toEqual([
      { relative: "link.cer", display: join(dir, "link.cer"), outcome: "file of 13 bytes" },
      { relative: "real/leaf.cer", display: join(dir, "real/leaf.cer"), outcome: "file of 13 bytes" },
    ]);
  });

  it("follows a link into another scanned root", async () => {
    tree(dir, ["one/", "two/b.cer"]);
    symlinkSync(join(dir, "two/b.cer"), join(dir, "one/a.cer"));
    const entries = await walk([join(dir, "one"), join(dir, "two")]);
    expect(entries.map((e) => [e.relative, e.problem, e.stats?.size])).toEqual([
      ["a.cer", null, 9],
      ["b.cer", null, 9],
    ]);
  });

  it("does not follow a link to a file outside the roots", async () => {
    tree(dir, ["root/", "outside/secret.cer"]);
    symlinkSync(join(dir, "outside/secret.cer"), join(dir, "root/escape.cer"));
    symlinkSync("../outside", join(dir, "root/escape-dir"));
    expect((await walk([join(dir, "root")])).map(summary)).toEqual([
      {
        relative: "escape-dir",
        display: join(dir, "root/escape-dir"),
        outcome: "symbolic link leads outside the scanned folders; not followed",
      },
      {
        relative: "escape.cer",
        display: join(dir, "root/escape.cer"),
        outcome: "symbolic link leads outside the scanned folders; not followed",
      },
    ]);
  });

  it("reports a broken link and a link to itself", async () => {
    symlinkSync("missing.cer", join(dir, "broken.cer"));
    symlinkSync("self", join(dir, "self"));
    expect((await walk([dir])).map(summary)).toEqual([
      {
        relative: "broken.cer",
        display: join(dir, "broken.cer"),
        outcome: "broken symbolic link: no such file",
      },
      {
        relative: "self",
        display: join(dir, "self"),
        outcome: "broken symbolic link: too many levels of symbolic links",
      },
    ]);
  });

  it("ends a directory loop and lists each file once", async () => {
    tree(dir, ["a/one.cer", "a/b/two.cer"]);
    symlinkSync("..", join(dir, "a/b/up"));
    symlinkSync(".", join(dir, "a/here"));
    symlinkSync(dir, join(dir, "root-again"));
    expect(await walkRelative()).toEqual(["a/b/two.cer", "a/one.cer"]);
  });

  it("lists a folder reached directly and through a link once, under the name visited first (bytewise)", async () => {
    tree(dir, ["real/x.cer"]);
    symlinkSync("real", join(dir, "alias"));
    symlinkSync("real", join(dir, "zzz"));
    expect(await walkRelative()).toEqual(["alias/x.cer"]);
  });
});

describe("walk: Kubernetes ConfigMap/Secret volumes", () => {
  it("lists each projected file once, under its own name, and skips the ..data and ..<timestamp> internals", async () => {
    tree(dir, ["..2026_01_01_00_00_00.123/leaf.pem", "..2026_01_01_00_00_00.123/bundle.pem"]);
    symlinkSync("..2026_01_01_00_00_00.123", join(dir, "..data"));
    symlinkSync("..data/leaf.pem", join(dir, "leaf.pem"));
    symlinkSync("..data/bundle.pem", join(dir, "bundle.pem"));
    tree(dir, ["...three-dots.pem", ".hidden.pem"]);
    expect(await walkRelative()).toEqual([".hidden.pem", "bundle.pem", "leaf.pem"]);
  });
});

describe("walk: files that are not regular files", () => {
  it("returns a FIFO as a problem without opening it (opening would block)", async () => {
    tree(dir, ["a.cer"]);
    execFileSync("mkfifo", [join(dir, "b.fifo")]);
    const entries = await walk([dir]);
    expect(entries.map(summary)).toEqual([
      { relative: "a.cer", display: join(dir, "a.cer"), outcome: "file of 5 bytes" },
      { relative: "b.fifo", display: join(dir, "b.fifo"), outcome: "not a regular file (FIFO)" },
    ]);
    expect(entries[1]!.stats).toBeNull();
  });

  it("returns a character device given as a root as a problem", async () => {
    expect((await walk(["/dev/null"])).map(summary)).toEqual([
      { relative: "null", display: "/dev/null", outcome: "not a regular file (character device)" },
    ]);
  });

  it("a FIFO excluded by a glob is not returned at all", async () => {
    execFileSync("mkfifo", [join(dir, "b.fifo")]);
    expect(await walkRelative({ exclude: ["*.fifo"] })).toEqual([]);
  });
});

describe("walk: names that are not plain UTF-8", () => {
  it("keeps the raw bytes in path (one character per byte) and escapes them in display and relative", async () => {
    const raw = Buffer.concat([Buffer.from(`${dir}/caf`), Buffer.from([0xe9]), Buffer.from(".cer")]);
    writeFileSync(raw, "latin-1 name");
    tree(dir, ["sub/"]);
    writeFileSync(Buffer.concat([Buffer.from(`${dir}/sub/`), Buffer.from([0xff, 0xfe])]), "x");
    writeFileSync(join(dir, "new\nline.cer"), "newline");
    const entries = await walk([dir]);
    expect(entries.map((e) => pathBytes(e.path))).toEqual([
      raw,
      Buffer.from(`${dir}/new\nline.cer`),
      Buffer.concat([Buffer.from(`${dir}/sub/`), Buffer.from([0xff, 0xfe])]),
    ]);
    expect(entries.map(summary)).toEqual([
      { relative: "caf\\xe9.cer", display: `${dir}/caf\\xe9.cer`, outcome: "file of 12 bytes" },
      { relative: "new\nline.cer", display: `${dir}/new\nline.cer`, outcome: "file of 7 bytes" },
      { relative: "sub/\\xff\\xfe", display: `${dir}/sub/\\xff\\xfe`, outcome: "file of 1 bytes" },
    ]);
  });

  it("a valid UTF-8 name is kept as its bytes in path and shown decoded; an ASCII path is its own display", async () => {
    tree(dir, ["é.cer", "plain.cer"]);
    const [plain, accented] = await walk([dir]);
    expect([plain!.display === plain!.path, accented!.path, accented!.display]).toEqual([
      true,
      Buffer.from(`${dir}/é.cer`).toString("latin1"),
      `${dir}/é.cer`,
    ]);
  });

  it("matches globs against the escaped relative path", async () => {
    writeFileSync(Buffer.concat([Buffer.from(`${dir}/caf`), Buffer.from([0xe9]), Buffer.from(".cer")]), "x");
    tree(dir, ["plain.cer"]);
    expect(await walkRelative({ include: ["caf*"] })).toEqual(["caf\\xe9.cer"]);
  });
});

describe("underRoots", () => {
  it("takes a root itself and what lies below it, not a sibling that shares its prefix", () => {
    const under = underRoots(["/srv/certs/", "/etc/one.cer", "relative"]);
    expect(
      [
        "/srv/certs",
        "/srv/certs/a.cer",
        "/srv/certs/x/y",
        "/srv/certs2/a.cer",
        "/etc/one.cer",
        "/etc/two.cer",
      ].map(under),
    ).toEqual([true, true, true, false, true, false]);
    expect(["relative/a.cer", "relativex"].map(under)).toEqual([true, false]);
    expect(underRoots(["/"])("/anything")).toBe(true);
  });

  it("compares the roots' bytes with a walk's paths (one character per byte)", () => {
    expect(underRoots(["/srv/é"])(`${Buffer.from("/srv/é").toString("latin1")}/a.cer`)).toBe(true);
  });
});
