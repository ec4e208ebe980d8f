#!/usr/bin/env node
// Bytes read and parse time per signed-artefact format, against reading the whole file (the baseline):
//   pnpm bench:signed
// Generates the signed fixtures, then a 2 GiB sparse PE (certificate table at its end), an MSIX with a 256 MiB
// payload and a 256 MiB MSI. Bytes read are counted at fs.readSync, which every file read of the parser goes through.
import { execFileSync } from "node:child_process";
import {
  closeSync,
  copyFileSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { createRequire, syncBuiltinESMExports } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const fs = createRequire(import.meta.url)("node:fs");
let bytesRead = 0;
const readSync = fs.readSync;
fs.readSync = (...args) => {
  const n = readSync(...args);
  bytesRead += n;
  return n;
};
syncBuiltinESMExports();
// In this thread (the package index hands files to worker threads, whose reads this patch does not see).
const { parseFile } = await import(join(root, "packages/parser/dist/parse-file.js"));

const dir = mkdtempSync(join(tmpdir(), "bench-signed-"));
try {
  execFileSync(process.execPath, [join(root, "scripts/fixtures-signed.mjs"), dir], { stdio: "pipe" });

  // A 2 GiB PE: the signed image's headers, a hole, then its certificate table at the very end.
  const signed = readFileSync(join(dir, "signed.exe"));
  const entry = 0x40 + 24 + 112 + 4 * 8;
  const [tableAt, tableSize] = [signed.readUInt32LE(entry), signed.readUInt32LE(entry + 4)];
  const huge = join(dir, "huge.exe");
  const size = 2 * 1024 ** 3;
  const header = Buffer.from(signed.subarray(0, 0x400));
  header.writeUInt32LE(size - tableSize, entry);
  copyFileSync(join(dir, "unsigned.exe"), huge);
  const fd = openSync(huge, "r+");
  writeSync(fd, header, 0, header.length, 0);
  writeSync(fd, signed, tableAt, tableSize, size - tableSize);
  closeSync(fd);

  const bigMsix = join(dir, "big.msix");
  execFileSync("python3", [
    "-c",
    "import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], 'w') as z:\n    z.writestr('payload.bin', bytes(256 << 20))\n    z.write(sys.argv[2], 'AppxSignature.p7x')\n",
    bigMsix,
    join(dir, "Contoso.Tools_1.4.0.0_x64.msix.d", "AppxSignature.p7x"),
  ]);

  // A 256 MiB MSI: cfb writes the compound file, osslsigncode signs it (as a version 4 file, 4096-byte sectors).
  const CFB = createRequire(join(root, "packages/parser/package.json"))("cfb");
  const container = CFB.utils.cfb_new();
  CFB.utils.cfb_add(container, "/Payload", Buffer.alloc(256 * 1024 ** 2, 7));
  fs.writeFileSync(join(dir, "big-unsigned.msi"), CFB.write(container, { type: "buffer" }));
  execFileSync(
    "osslsigncode",
    [
      "sign",
      "-certs",
      "contoso-chain.pem",
      "-key",
      "contoso.key",
      "-in",
      "big-unsigned.msi",
      "-out",
      "big.msi",
    ],
    { cwd: dir, stdio: "pipe" },
  );

  const files = [
    ["pe", "signed.exe"],
    ["pe (dual)", "dual.exe"],
    ["msi", "signed.msi"],
    ["msix", "Contoso.Tools_1.4.0.0_x64.msix"],
    ["cab", "signed.cab"],
    ["catalog", "signed.cat"],
    ["script", "signed.ps1"],
    ["script (utf-16)", "signed-utf16.psm1"],
    ["pe, 2 GiB sparse", "huge.exe"],
    ["msix, 256 MiB payload", "big.msix"],
    ["msi, 256 MiB stream", "big.msi"],
  ];
  const ROUNDS = 50;
  console.log(
    "| format | file size | bytes read | parse (median µs) | whole-file read (median µs) | whole read ÷ parse |",
  );
  console.log(
    "| ------ | --------: | ---------: | ----------------: | --------------------------: | -----------------: |",
  );
  for (const [format, name] of files) {
    const path = join(dir, name);
    const fileSize = statSync(path).size;
    bytesRead = 0;
    const first = await parseFile(path, { maxFileSize: 10 * 1024 ** 3 });
    if (first.error || !first.certificates.some((c) => c.upload))
      throw new Error(`${name}: ${first.error?.message}`);
    const read = bytesRead;
    const rounds = fileSize > 64 * 1024 ** 2 ? 3 : ROUNDS;
    const parse = [];
    for (let i = 0; i < rounds; i++) {
      const start = process.hrtime.bigint();
      await parseFile(path);
      parse.push(Number(process.hrtime.bigint() - start) / 1000);
    }
    // The baseline: reading the whole file once, as a reader without the header walk would.
    const whole = [];
    for (let i = 0; i < rounds; i++) {
      const start = process.hrtime.bigint();
      if (fileSize < 2 * 1024 ** 3) readFileSync(path);
      else {
        const handle = openSync(path, "r");
        const chunk = Buffer.allocUnsafe(64 * 1024 ** 2);
        for (let at = 0; at < fileSize; at += chunk.length) readSync(handle, chunk, 0, chunk.length, at);
        closeSync(handle);
      }
      whole.push(Number(process.hrtime.bigint() - start) / 1000);
    }
    const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const [p, w] = [median(parse), median(whole)];
    console.log(
      `| ${format} | ${fileSize} | ${read} | ${p.toFixed(0)} | ${w.toFixed(0)} | ${(w / p).toPrecision(2)}× |`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
