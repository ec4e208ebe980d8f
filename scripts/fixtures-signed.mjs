#!/usr/bin/env node
// Generates signed app artefacts (PE, MSI, CAB, catalog, PowerShell, MSIX) signed by real tools into a directory:
//   node scripts/fixtures-signed.mjs <dir>
// Certificates come from the fixture certificate builder with fixed names and dates; osslsigncode signs PE, MSI,
// CAB, catalog and script files (timestamps from its built-in RFC 3161 TSA, and a legacy countersignature from a
// local timestamp server); openssl makes the MSIX signature. `expected.json` records each artefact's signers
// from this script's input (never from the parser under test). Tests run it into a temporary directory.
import { execFile, execFileSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildCertificate, OIDS } from "./fixtures-certificates.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const requireFromParser = createRequire(join(root, "packages/parser/package.json"));
const CFB = requireFromParser("cfb");
const asn1js = requireFromParser("asn1js");

const TIME_STAMPING = "1.3.6.1.5.5.7.3.8";
const at = (type, value) => ({ type, value: { utf8String: value } });
const CN = "2.5.4.3";
const O = "2.5.4.10";
const C = "2.5.4.6";

/** Every certificate: its name (RDNs, least specific first), issuer, dates, serial and role. */
const PLAN = {
  root: { name: [[at(O, "Fixture")], [at(CN, "Signed Fixture Root CA")]], issuer: "root", isCA: true },
  intermediate: {
    name: [[at(O, "Fixture")], [at(CN, "Signed Fixture Intermediate CA")]],
    issuer: "root",
    isCA: true,
  },
  contoso: {
    name: [[at(C, "US")], [at(O, "Contoso Ltd")], [at(CN, "Contoso App Signing")]],
    issuer: "intermediate",
    notAfter: "2031-06-30T12:00:00Z",
    eku: [OIDS.codeSigning],
    subjectKeyId: true,
  },
  fabrikam: {
    name: [[at(O, "Fabrikam")], [at(CN, "Fabrikam Legacy Signing")]],
    issuer: "root",
    notAfter: "2030-01-15T08:30:00Z",
    eku: [OIDS.codeSigning],
  },
  bystander: {
    name: [[at(O, "Contoso Ltd")], [at(CN, "Contoso Other Signing")]],
    issuer: "intermediate",
    notAfter: "2032-02-01T00:00:00Z",
    eku: [OIDS.codeSigning],
  },
  tsa: {
    name: [[at(O, "Fixture")], [at(CN, "Fixture Timestamp Authority")]],
    issuer: "root",
    notAfter: "2033-03-03T03:03:03Z",
    eku: [TIME_STAMPING],
    ekuCritical: true,
  },
};

/** Windows' rendering of a fixture name (most specific RDN first), as the parser must report it. */
const windowsName = (rdns) =>
  rdns
    .slice()
    .reverse()
    .map(([a]) => `${{ [CN]: "CN", [O]: "O", [C]: "C" }[a.type]}=${a.value.utf8String}`)
    .join(", ");

function run(command, args, cwd) {
  return execFileSync(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
}

const pem = (der, label) =>
  `-----BEGIN ${label}-----\n${der.toString("base64").replace(/.{1,64}/g, "$&\n")}-----END ${label}-----\n`;

function makeCertificates(dir) {
  const keys = {};
  const made = {};
  let serial = 0x40;
  for (const [id, spec] of Object.entries(PLAN)) {
    keys[id] = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const issuer = PLAN[spec.issuer];
    made[id] = buildCertificate({
      subject: spec.name,
      issuer: issuer.name,
      publicKey: keys[id].publicKey,
      issuerKey: keys[spec.issuer].privateKey,
      notBefore: new Date("2024-01-01T00:00:00Z"),
      notAfter: new Date(spec.notAfter ?? "2040-01-01T00:00:00Z"),
      serial: [serial++, 0x11],
      isCA: spec.isCA ?? false,
      eku: spec.eku,
      ekuCritical: spec.ekuCritical,
      subjectKeyId: spec.subjectKeyId,
    });
    writeFileSync(join(dir, `${id}.pem`), pem(made[id], "CERTIFICATE"));
    writeFileSync(join(dir, `${id}.key`), keys[id].privateKey.export({ type: "pkcs8", format: "pem" }));
    writeFileSync(join(dir, `${id}.cer`), made[id]);
  }
  // What osslsigncode embeds: the signer first, then its chain.
  const chain = (...ids) => ids.map((id) => readFileSync(join(dir, `${id}.pem`), "utf8")).join("");
  writeFileSync(join(dir, "contoso-chain.pem"), chain("contoso", "intermediate", "root"));
  writeFileSync(join(dir, "fabrikam-chain.pem"), chain("fabrikam", "root"));
  writeFileSync(join(dir, "tsa-chain.pem"), chain("tsa", "root"));
}

/**
 * A minimal PE32+ image: DOS header, PE signature, COFF header, optional header with 16 data directories, one
 * section of 0x200 bytes. Enough for osslsigncode to hash and sign it.
 */
function minimalPe() {
  const image = Buffer.alloc(0x400);
  image.write("MZ", 0, "latin1");
  image.writeUInt32LE(0x40, 0x3c);
  image.write("PE\0\0", 0x40, "latin1");
  const coff = 0x44;
  image.writeUInt16LE(0x8664, coff); // AMD64
  image.writeUInt16LE(1, coff + 2); // one section
  image.writeUInt16LE(0xf0, coff + 16); // SizeOfOptionalHeader
  image.writeUInt16LE(0x22, coff + 18); // executable, large-address aware
  const opt = coff + 20;
  image.writeUInt16LE(0x20b, opt); // PE32+
  image.writeUInt32LE(0x200, opt + 4); // SizeOfCode
  image.writeUInt32LE(0x1000, opt + 16); // AddressOfEntryPoint
  image.writeUInt32LE(0x1000, opt + 20); // BaseOfCode
  image.writeBigUInt64LE(0x140000000n, opt + 24); // ImageBase
  image.writeUInt32LE(0x1000, opt + 32); // SectionAlignment
  image.writeUInt32LE(0x200, opt + 36); // FileAlignment
  image.writeUInt16LE(6, opt + 40); // OS version
  image.writeUInt16LE(6, opt + 48); // subsystem version
  image.writeUInt32LE(0x2000, opt + 56); // SizeOfImage
  image.writeUInt32LE(0x200, opt + 60); // SizeOfHeaders
  image.writeUInt16LE(3, opt + 68); // console subsystem
  image.writeBigUInt64LE(0x100000n, opt + 72); // stack reserve
  image.writeBigUInt64LE(0x1000n, opt + 80); // stack commit
  image.writeBigUInt64LE(0x100000n, opt + 88); // heap reserve
  image.writeBigUInt64LE(0x1000n, opt + 96); // heap commit
  image.writeUInt32LE(16, opt + 108); // NumberOfRvaAndSizes
  const section = opt + 0xf0;
  image.write(".text", section, "latin1");
  image.writeUInt32LE(0x200, section + 8); // VirtualSize
  image.writeUInt32LE(0x1000, section + 12); // VirtualAddress
  image.writeUInt32LE(0x200, section + 16); // SizeOfRawData
  image.writeUInt32LE(0x200, section + 20); // PointerToRawData
  image.writeUInt32LE(0x60000020, section + 36); // code, execute, read
  image[0x200] = 0xc3; // ret
  return image;
}

/** A minimal MSI-shaped OLE compound file (osslsigncode signs any compound file's streams). */
function minimalMsi() {
  const container = CFB.utils.cfb_new();
  CFB.utils.cfb_add(container, "/\u4840\u3f3f\u4577\u446c\u3b6a\u45e4\u4824", Buffer.from("fixture tables"));
  CFB.utils.cfb_add(container, "/\u0005SummaryInformation", Buffer.alloc(64, 1));
  return Buffer.from(CFB.write(container, { type: "buffer" }));
}

/** The same, with a storage holding a decoy `\x05DigitalSignature` stream: only the root storage's one counts. */
function msiWithDecoy() {
  const container = CFB.utils.cfb_new();
  CFB.utils.cfb_add(container, "/\u0005SummaryInformation", Buffer.alloc(64, 1));
  CFB.utils.cfb_add(container, "/Nested/\u0005DigitalSignature", Buffer.alloc(5000, 0x30));
  return Buffer.from(CFB.write(container, { type: "buffer" }));
}

/**
 * A version 4 compound file (4096-byte sectors), which cfb does not write, built by hand after MS-CFB: the header
 * sector, sector 0 the FAT, sector 1 the directory, then a 10,000-byte stream in sectors 2 to 4 (at or above the
 * 4096-byte cutoff, so there is no mini stream). osslsigncode keeps the version when it signs.
 */
function compoundFileV4() {
  const SECTOR = 4096;
  const [FREE, END, FAT, NONE] = [0xffffffff, 0xfffffffe, 0xfffffffd, 0xffffffff];
  const payload = Buffer.alloc(10000, 7);
  const file = Buffer.alloc(SECTOR * 6);
  file.write("d0cf11e0a1b11ae1", 0, "hex");
  file.writeUInt16LE(0x3e, 0x18); // minor version
  file.writeUInt16LE(4, 0x1a); // major version
  file.writeUInt16LE(0xfffe, 0x1c); // byte order
  file.writeUInt16LE(12, 0x1e); // sector shift
  file.writeUInt16LE(6, 0x20); // mini sector shift
  file.writeUInt32LE(1, 0x28); // directory sectors
  file.writeUInt32LE(1, 0x2c); // FAT sectors
  file.writeUInt32LE(1, 0x30); // first directory sector
  file.writeUInt32LE(4096, 0x38); // mini stream cutoff
  file.writeUInt32LE(END, 0x3c); // first mini FAT sector
  file.writeUInt32LE(END, 0x44); // first DIFAT sector
  for (let i = 0; i < 109; i++) file.writeUInt32LE(i === 0 ? 0 : FREE, 0x4c + 4 * i);
  const fat = [FAT, END, 3, 4, END];
  for (let i = 0; i < SECTOR / 4; i++) file.writeUInt32LE(fat[i] ?? FREE, SECTOR + 4 * i);
  const entry = (id, name, type, child, start, size) => {
    const at = 2 * SECTOR + 128 * id;
    file.write(name, at, "utf16le");
    file.writeUInt16LE(2 * name.length + 2, at + 0x40);
    file[at + 0x42] = type;
    file[at + 0x43] = 1; // black
    file.writeUInt32LE(NONE, at + 0x44);
    file.writeUInt32LE(NONE, at + 0x48);
    file.writeUInt32LE(child, at + 0x4c);
    file.writeUInt32LE(start, at + 0x74);
    file.writeBigUInt64LE(BigInt(size), at + 0x78);
  };
  entry(0, "Root Entry", 5, 1, END, 0);
  entry(1, "Payload", 2, NONE, 2, payload.length);
  for (let id = 2; id < SECTOR / 128; id++) {
    for (const field of [0x44, 0x48, 0x4c]) file.writeUInt32LE(NONE, 2 * SECTOR + 128 * id + field);
  }
  payload.copy(file, 3 * SECTOR);
  return file;
}

/**
 * An unsigned catalog as makecat starts one: a SignedData without signers whose content is a certificate trust list
 * (1.3.6.1.4.1.311.10.1) listing no members. osslsigncode adds the signature.
 */
function unsignedCatalog() {
  const ctl = new asn1js.Sequence({
    value: [
      new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: "1.3.6.1.4.1.311.12.1.1" })] }),
      new asn1js.OctetString({ valueHex: Buffer.from("0123456789abcdef", "hex") }),
      new asn1js.UTCTime({ valueDate: new Date("2025-01-01T00:00:00Z") }),
      new asn1js.Sequence({
        value: [new asn1js.ObjectIdentifier({ value: "1.3.6.1.4.1.311.12.1.2" }), new asn1js.Null()],
      }),
      new asn1js.Sequence({ value: [] }),
    ],
  });
  const signedData = new asn1js.Sequence({
    value: [
      new asn1js.Integer({ value: 1 }),
      new asn1js.Set({ value: [] }),
      new asn1js.Sequence({
        value: [
          new asn1js.ObjectIdentifier({ value: "1.3.6.1.4.1.311.10.1" }),
          new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [ctl] }),
        ],
      }),
      new asn1js.Set({ value: [] }),
    ],
  });
  const contentInfo = new asn1js.Sequence({
    value: [
      new asn1js.ObjectIdentifier({ value: "1.2.840.113549.1.7.2" }),
      new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [signedData] }),
    ],
  });
  return Buffer.from(contentInfo.toBER(false));
}

function osslsign(dir, input, output, signer, more = []) {
  run(
    "osslsigncode",
    ["sign", "-certs", `${signer}-chain.pem`, "-key", `${signer}.key`, ...more, "-in", input, "-out", output],
    dir,
  );
}

/**
 * Signs with a legacy Authenticode timestamp (a countersignature, 1.2.840.113549.1.9.6): osslsigncode's `-t` asks
 * a local HTTP server, which answers as the legacy protocol does: a base64 PKCS#7 SignedData over the signature
 * value in the request, signed by the TSA with `openssl cms`.
 */
async function signWithLegacyTimestamp(dir, input, output) {
  const server = createServer((request, response) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => {
      // TimeStampRequest ::= SEQUENCE { type, [attributes], ContentInfo { id-data, [0] OCTET STRING } }
      const der = Buffer.from(Buffer.concat(chunks).toString("latin1"), "base64");
      const contentInfo = asn1js.fromBER(der).result.valueBlock.value.at(-1);
      const value = contentInfo.valueBlock.value[1].valueBlock.value[0].valueBlock.valueHexView;
      writeFileSync(join(dir, "legacy-request.bin"), value);
      run(
        "openssl",
        [
          "cms",
          "-sign",
          "-binary",
          "-nodetach",
          "-nosmimecap",
          "-md",
          "sha256",
          "-signer",
          "tsa.pem",
          "-inkey",
          "tsa.key",
          "-certfile",
          "root.pem",
          "-in",
          "legacy-request.bin",
          "-outform",
          "DER",
          "-out",
          "legacy-response.der",
        ],
        dir,
      );
      response.writeHead(200, { "content-type": "application/octet-stream" });
      response.end(readFileSync(join(dir, "legacy-response.der")).toString("base64"));
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  const args = [
    "sign",
    "-certs",
    "contoso-chain.pem",
    "-key",
    "contoso.key",
    "-t",
    url,
    "-in",
    input,
    "-out",
    output,
  ];
  try {
    await new Promise((resolve, reject) =>
      execFile("osslsigncode", args, { cwd: dir }, (error) => (error ? reject(error) : resolve())),
    );
  } finally {
    server.close();
  }
}

const TSA = ["-TSA-certs", "tsa-chain.pem", "-TSA-key", "tsa.key", "-TSA-time", "1735689600"];

/** The MSIX: a ZIP holding a manifest and `AppxSignature.p7x` = `PKCX` + a DER SignedData from `openssl cms`. */
function msix(dir, name, signer, { inner = [], publisher = windowsName(PLAN[signer].name) } = {}) {
  const work = join(dir, `${name}.d`);
  mkdirSync(work);
  // A bundle has its manifest under AppxMetadata/ and holds the packages, each signed on its own.
  const manifestPath = inner.length > 0 ? "AppxMetadata/AppxBundleManifest.xml" : "AppxManifest.xml";
  const manifest =
    inner.length > 0
      ? `<?xml version="1.0" encoding="utf-8"?>\n<Bundle xmlns="http://schemas.microsoft.com/appx/2013/bundle"><Identity Name="Contoso.Tools" Publisher="${publisher}" Version="1.4.0.0"/></Bundle>\n`
      : `<?xml version="1.0" encoding="utf-8"?>\n<Package xmlns="http://schemas.microsoft.com/appx/manifest/foundation/windows10"><Identity Name="Contoso.Tools" Publisher="${publisher}" Version="1.4.0.0"/></Package>\n`;
  mkdirSync(join(work, dirname(manifestPath)), { recursive: true });
  writeFileSync(join(work, manifestPath), manifest);
  for (const file of inner) copyFileSync(join(dir, file), join(work, file));
  writeFileSync(join(work, "AppxBlockMap.xml"), '<?xml version="1.0"?><BlockMap/>\n');
  run(
    "openssl",
    [
      "cms",
      "-sign",
      "-binary",
      // A signer with a key identifier is named by it (SignerInfo version 3), another by issuer and serial.
      ...(PLAN[signer].subjectKeyId ? ["-keyid"] : []),
      "-md",
      "sha256",
      "-signer",
      join(dir, `${signer}.pem`),
      "-inkey",
      join(dir, `${signer}.key`),
      "-certfile",
      join(dir, `${PLAN[signer].issuer}.pem`),
      "-in",
      "AppxBlockMap.xml",
      "-outform",
      "DER",
      "-out",
      "sig.der",
    ],
    work,
  );
  writeFileSync(
    join(work, "AppxSignature.p7x"),
    Buffer.concat([Buffer.from("PKCX"), readFileSync(join(work, "sig.der"))]),
  );
  run(
    "python3",
    ["-c", ZIP_SCRIPT, join(dir, name), ...inner, manifestPath, "AppxBlockMap.xml", "AppxSignature.p7x"],
    work,
  );
}

/** Python's zipfile writes the package (deflated entries), so the ZIP comes from a tool other than the reader. */
const ZIP_SCRIPT =
  "import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:\n    for n in sys.argv[2:]: z.write(n)\n";

const BOMB_SCRIPT =
  "import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:\n    z.writestr('AppxSignature.p7x', b'PKCX' + bytes(64 << 20))\n";

function expectedOf(ids) {
  return ids.map((id) => ({
    id,
    subject: windowsName(PLAN[id].name),
    issuer: windowsName(PLAN[PLAN[id].issuer].name),
    notAfter: PLAN[id].notAfter ?? "2040-01-01T00:00:00Z",
  }));
}

async function main() {
  const dir = resolve(process.argv[2] ?? "signed-fixtures");
  mkdirSync(dir, { recursive: true });
  makeCertificates(dir);
  writeFileSync(join(dir, "unsigned.exe"), minimalPe());
  writeFileSync(join(dir, "unsigned.msi"), minimalMsi());
  const signers = {};
  // PE: a chain with an intermediate and a bystander code-signing certificate; a timestamped one; a dual-signed one.
  osslsign(dir, "unsigned.exe", "signed.exe", "contoso", ["-ac", "bystander.pem"]);
  signers["signed.exe"] = ["contoso"];
  osslsign(dir, "unsigned.exe", "timestamped.exe", "contoso", TSA);
  signers["timestamped.exe"] = ["contoso"];
  await signWithLegacyTimestamp(dir, "unsigned.exe", "countersigned.exe");
  signers["countersigned.exe"] = ["contoso"];
  osslsign(dir, "unsigned.exe", "sha1-only.exe", "fabrikam", ["-h", "sha1"]);
  osslsign(dir, "sha1-only.exe", "dual.exe", "contoso", ["-nest", "-h", "sha256"]);
  signers["dual.exe"] = ["fabrikam", "contoso"];
  osslsign(dir, "unsigned.msi", "signed.msi", "contoso", TSA);
  signers["signed.msi"] = ["contoso"];
  // MSI: a nested second signature makes the signature stream larger than 4096 bytes (regular sectors, not the
  // mini stream); a version 4 file; a decoy signature stream in a child storage of an unsigned one.
  osslsign(dir, "signed.msi", "dual.msi", "fabrikam", ["-nest"]);
  signers["dual.msi"] = ["contoso", "fabrikam"];
  writeFileSync(join(dir, "unsigned-v4.msi"), compoundFileV4());
  osslsign(dir, "unsigned-v4.msi", "signed-v4.msi", "contoso");
  signers["signed-v4.msi"] = ["contoso"];
  writeFileSync(join(dir, "decoy.msi"), msiWithDecoy());
  // CAB: gcab writes the cabinet, with room reserved for the signature osslsigncode adds.
  writeFileSync(join(dir, "payload.txt"), "cabinet payload\n");
  run("gcab", ["-c", "unsigned.cab", "payload.txt"], dir);
  osslsign(dir, "unsigned.cab", "signed.cab", "fabrikam");
  signers["signed.cab"] = ["fabrikam"];
  // PowerShell: UTF-8 with the CRLF block osslsigncode writes, then LF, CRLF with a BOM, and UTF-16LE with and
  // without a BOM (other line ends and encodings change the signed hash, which is never verified).
  writeFileSync(join(dir, "unsigned.ps1"), 'Write-Output "hello"\n');
  osslsign(dir, "unsigned.ps1", "signed.ps1", "contoso");
  const script = readFileSync(join(dir, "signed.ps1"), "utf8");
  const crlf = script.replace(/\r?\n/g, "\r\n");
  const variants = {
    "signed-lf.ps1": script.replace(/\r\n/g, "\n"),
    "signed-crlf-bom.ps1": `\ufeff${crlf}`,
    "signed-utf16.psm1": Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(crlf, "utf16le")]),
    "signed-utf16-nobom.psd1": Buffer.from(crlf, "utf16le"),
  };
  for (const [name, content] of Object.entries(variants)) writeFileSync(join(dir, name), content);
  for (const name of ["signed.ps1", ...Object.keys(variants)]) signers[name] = ["contoso"];
  writeFileSync(join(dir, "unsigned.cat"), unsignedCatalog());
  osslsign(dir, "unsigned.cat", "signed.cat", "contoso");
  signers["signed.cat"] = ["contoso"];
  msix(dir, "Contoso.Tools_1.4.0.0_x64.msix", "contoso");
  signers["Contoso.Tools_1.4.0.0_x64.msix"] = ["contoso"];
  copyFileSync(
    join(dir, "Contoso.Tools_1.4.0.0_x64.msix.d", "AppxSignature.p7x"),
    join(dir, "AppxSignature.p7x"),
  );
  signers["AppxSignature.p7x"] = ["contoso"];
  // An unsigned package, and a ZIP that is no package at all.
  run(
    "python3",
    ["-c", ZIP_SCRIPT, join(dir, "unsigned.msix"), "AppxManifest.xml"],
    join(dir, "Contoso.Tools_1.4.0.0_x64.msix.d"),
  );
  run("python3", ["-c", ZIP_SCRIPT, join(dir, "archive.zip"), "payload.txt"], dir);
  // A ZIP bomb: an AppxSignature.p7x that inflates to 64 MiB of zeros from some 64 KiB.
  run("python3", ["-c", BOMB_SCRIPT, join(dir, "bomb.msix")], dir);
  // A bundle signed by another publisher than the package inside it: only the bundle's own signature counts.
  msix(dir, "Contoso.Tools_1.4.0.0.msixbundle", "fabrikam", { inner: ["Contoso.Tools_1.4.0.0_x64.msix"] });
  // A package whose manifest names another publisher than its signer (Windows would refuse to install it).
  msix(dir, "mismatch.msix", "contoso", { publisher: "CN=Someone Else, O=Elsewhere" });
  signers["mismatch.msix"] = ["contoso"];
  signers["Contoso.Tools_1.4.0.0.msixbundle"] = ["fabrikam"];
  // A detached Authenticode signature, as osslsigncode extracts it: the catalog-style whole-file PKCS#7.
  run("osslsigncode", ["extract-signature", "-in", "dual.exe", "-out", "dual.p7s"], dir);
  signers["dual.p7s"] = ["fabrikam", "contoso"];
  // The same PE under a name with no extension: recognised by content.
  copyFileSync(join(dir, "signed.exe"), join(dir, "renamed-artefact"));
  signers["renamed-artefact"] = ["contoso"];
  // Truncated: the PE cut inside its certificate table, the MSI cut inside its FAT.
  const signed = readFileSync(join(dir, "signed.exe"));
  writeFileSync(join(dir, "truncated.exe"), signed.subarray(0, signed.length - 200));
  writeFileSync(join(dir, "truncated.msi"), readFileSync(join(dir, "signed.msi")).subarray(0, 1536));
  const expected = Object.fromEntries(Object.entries(signers).map(([file, ids]) => [file, expectedOf(ids)]));
  writeFileSync(join(dir, "expected.json"), `${JSON.stringify(expected, null, 2)}\n`);
}

await main();
