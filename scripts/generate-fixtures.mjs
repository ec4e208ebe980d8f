#!/usr/bin/env node
// Generates every container, encoding, name rule and error case the parser handles into a directory:
//   node scripts/generate-fixtures.mjs <dir>
// Tests run it into a temporary directory; nothing generated is committed. File names say what each holds.
import { execFileSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildCertificate, OIDS } from "./fixtures-certificates.mjs";
import { generatePkcs12Matrix } from "./fixtures-pkcs12.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const asn1js = createRequire(join(root, "packages/parser/package.json"))("asn1js");

/** The PKCS#12 password of the password-protected fixtures. */
export const FIXTURE_PASSWORD = "fixture-pass";

const at = (type, value) => ({ type, value });
const CN = "2.5.4.3";
const O = "2.5.4.10";
const OU = "2.5.4.11";
const C = "2.5.4.6";
const L = "2.5.4.7";
const S = "2.5.4.8";
const E = "1.2.840.113549.1.9.1";
const printable = (text) => ({ printableString: text });
const utf8 = (text) => ({ utf8String: text });
const ia5 = (text) => ({ ia5String: text });
/** A raw value: tag byte + short content, for string types the model does not offer (Numeric, Visible). */
const raw = (tag, text) => ({
  anyValue: new Uint8Array([tag, text.length, ...Buffer.from(text, "latin1")]).buffer,
});

const CA_NAME = [[at(O, printable("Fixture"))], [at(CN, printable("Fixture Root CA"))]];
const LEAF_NAME = [
  [at(C, printable("US"))],
  [at(S, utf8("Washington"))],
  [at(L, utf8("Redmond"))],
  [at(O, utf8("Contoso, Ltd"))],
  [at(OU, utf8("Dev"))],
  [at(CN, utf8("Contoso Code Signing"))],
];
/** Every string type, a multi-valued RDN, quoting cases and an attribute type Windows has no key for. */
const NAMES_NAME = [
  [at(C, printable("DE"))],
  [at(O, { teletexString: "M\u00fcller" })],
  [at(OU, { teletexString: Buffer.from("Z\u00fcrich", "utf8").toString("latin1") })],
  [at(L, { bmpString: "K\u00f6ln" })],
  [at(S, { universalString: "\u6771\u4eac\u{1f600}" })],
  [at(CN, utf8('Signer, "Quoted"')), at(E, ia5("signer@example.com"))],
  [at("1.3.6.1.4.1.311.60.2.1.3", printable("US"))],
  [at("2.5.4.12", utf8(" padded "))],
  [at("2.5.4.5", raw(0x12, "12345"))],
  [at("0.9.2342.19200300.100.1.25", ia5("example"))],
  [at("2.5.4.42", raw(0x1a, "Ann"))],
  [at(OU, utf8(""))],
  [at("2.5.4.9", utf8("a;b<c>#d=e+f\nx"))],
];

function openssl(args, cwd) {
  return execFileSync("openssl", args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
}

function pem(der, label = "CERTIFICATE") {
  const body = der.toString("base64").replace(/.{1,64}/g, "$&\n");
  return `-----BEGIN ${label}-----\n${body}-----END ${label}-----\n`;
}

/** A deterministic byte sequence that is not ASN.1 (first byte 0x42) and not text. */
function randomBytes(length) {
  const bytes = Buffer.alloc(length);
  let state = 0x2545f491;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[i] = state & 0xff;
  }
  bytes[0] = 0x42;
  return bytes;
}

/** A copy of a PKCS#12 whose MAC claims 20,000,000 iterations (re-encoded; nothing derives that many). */
function withHugeMacIterations(pfx) {
  const { result } = asn1js.fromBER(new Uint8Array(pfx), { parseEmbedded: false });
  const [version, authSafe, macData] = result.valueBlock.value;
  const [digest, salt] = macData.valueBlock.value;
  const mac = new asn1js.Sequence({ value: [digest, salt, new asn1js.Integer({ value: 20_000_000 })] });
  return Buffer.from(new asn1js.Sequence({ value: [version, authSafe, mac] }).toBER(false));
}

/** Writes all fixtures into `dir` (created if needed). */
export function generateFixtures(dir) {
  mkdirSync(dir, { recursive: true });
  const write = (name, data) => writeFileSync(join(dir, name), data);
  const caKeys = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const leafKeys = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const secondKeys = generateKeyPairSync("ec", { namedCurve: "P-384" });
  const issued = {
    issuer: CA_NAME,
    issuerKey: caKeys.privateKey,
    notBefore: new Date("2024-01-01T00:00:00Z"),
  };
  const later = new Date("2040-06-30T12:00:00Z");

  const ca = buildCertificate({
    ...issued,
    subject: CA_NAME,
    publicKey: caKeys.publicKey,
    notAfter: new Date("2044-01-01T00:00:00Z"),
    serial: [0x01],
    isCA: true,
    eku: null,
  });
  const leafWith = (overrides) =>
    buildCertificate({
      ...issued,
      subject: LEAF_NAME,
      publicKey: leafKeys.publicKey,
      notAfter: later,
      serial: [0x01, 0x23, 0x45, 0x67, 0x89, 0xab],
      eku: [OIDS.codeSigning],
      ...overrides,
    });
  const leaf = leafWith({});
  const second = leafWith({
    subject: [[at(CN, utf8("Second Signer"))]],
    publicKey: secondKeys.publicKey,
    serial: [0x02],
  });
  write("ca.der", ca);
  write("leaf.der", leaf);
  write(
    "names.der",
    leafWith({ subject: NAMES_NAME, notAfter: new Date("9999-12-31T23:59:59Z"), serial: [0x00, 0x80] }),
  );
  write(
    "simple-ou.der",
    leafWith({ subject: [[at(O, utf8("Org"))], [at(OU, utf8("Unit"))]], serial: [0x03] }),
  );
  write(
    "simple-email.der",
    leafWith({ subject: [[at(C, printable("US"))], [at(E, ia5("a@b.example"))]], serial: [0x04] }),
  );
  write(
    "simple-none.der",
    leafWith({ subject: [[at(C, printable("US"))], [at(L, utf8("Oslo"))]], serial: [0x05] }),
  );
  write("server-auth.der", leafWith({ eku: [OIDS.serverAuth], serial: [0x06] }));
  write("any-eku.der", leafWith({ eku: [OIDS.serverAuth, OIDS.anyExtendedKeyUsage], serial: [0x07] }));
  write("no-eku.der", leafWith({ eku: null, serial: [0x08] }));
  write(
    "expired.der",
    leafWith({
      notBefore: new Date("2018-01-01T00:00:00Z"),
      notAfter: new Date("2020-01-01T00:00:00Z"),
      serial: [0x09],
    }),
  );

  const leafPem = pem(leaf);
  const caPem = pem(ca);
  write("leaf.pem", leafPem);
  write("ca-only.pem", caPem);
  write("two-signers.pem", leafPem + pem(second));
  write(
    "leaf-text.pem",
    `${openssl(["x509", "-inform", "DER", "-in", "leaf.der", "-text"], dir)}\ntrailing notes\n`,
  );
  write("bundle.pem", `Subject: leaf\n${leafPem}\nissuer follows\n${caPem}`);
  write("leaf-crlf.pem", leafPem.replaceAll("\n", "\r\n"));
  write("leaf-bom.pem", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(leafPem)]));
  write(
    "leaf-utf16le.pem",
    Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(leafPem.replaceAll("\n", "\r\n"), "utf16le")]),
  );
  write(
    "leaf-utf16be.pem",
    Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(leafPem, "utf16le").swap16()]),
  );
  write("leaf.b64", leaf.toString("base64"));
  write("leaf-wrapped.b64", `${leaf.toString("base64").replace(/.{1,76}/g, "$&\n")}`);

  write("leaf.key", leafKeys.privateKey.export({ type: "pkcs8", format: "pem" }));
  write("key.der", leafKeys.privateKey.export({ type: "pkcs8", format: "der" }));
  write("ca.pem", caPem);
  openssl(
    [
      "crl2pkcs7",
      "-nocrl",
      "-certfile",
      "leaf.pem",
      "-certfile",
      "ca.pem",
      "-outform",
      "DER",
      "-out",
      "chain.p7b",
    ],
    dir,
  );
  openssl(
    ["crl2pkcs7", "-nocrl", "-certfile", "leaf.pem", "-certfile", "ca.pem", "-out", "chain-pem.p7b"],
    dir,
  );
  const p12 = (name, extra, password) =>
    openssl(
      [
        "pkcs12",
        "-export",
        "-in",
        "leaf.pem",
        "-inkey",
        "leaf.key",
        "-certfile",
        "ca.pem",
        "-passout",
        `pass:${password}`,
      ].concat(extra, ["-out", name]),
      dir,
    );
  p12("aes.p12", [], FIXTURE_PASSWORD);
  p12(
    "3des.p12",
    ["-keypbe", "PBE-SHA1-3DES", "-certpbe", "PBE-SHA1-3DES", "-macalg", "sha1"],
    FIXTURE_PASSWORD,
  );
  p12("rc2.p12", ["-legacy"], FIXTURE_PASSWORD);
  p12("nopass-aes.p12", [], "");
  p12("nopass-legacy.p12", ["-legacy"], "");
  write("huge-iterations.p12", withHugeMacIterations(readFileSync(join(dir, "aes.p12"))));
  generatePkcs12Matrix(dir, {
    password: FIXTURE_PASSWORD,
    leafDer: leaf,
    caDer: ca,
    key: leafKeys.privateKey,
  });

  openssl(["req", "-new", "-key", "leaf.key", "-subj", "/CN=Request", "-out", "request.csr"], dir);
  openssl(["req", "-in", "request.csr", "-outform", "DER", "-out", "request-der.csr"], dir);
  write("empty.cer", "");
  write("notes.txt", "These are not the certificates you are looking for.\n");
  write("random.bin", randomBytes(1500));
  write("truncated.der", leaf.subarray(0, Math.floor(leaf.length / 2)));
  const lines = leafPem.split("\n");
  lines[3] = `${lines[3]?.slice(0, 10)}*${lines[3]?.slice(11)}`;
  const corrupt = lines.join("\n");
  write("corrupt.pem", corrupt);
  write("broken-bundle.pem", leafPem + corrupt + caPem);
  mkdirSync(join(dir, "a-directory.cer"), { recursive: true });
  execFileSync("mkfifo", [join(dir, "fifo.cer")]);
  write("no-permission.cer", leaf);
  chmodSync(join(dir, "no-permission.cer"), 0o000);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const target = process.argv[2];
  if (!target) {
    console.error("usage: node scripts/generate-fixtures.mjs <dir>");
    process.exit(2);
  }
  generateFixtures(resolve(target));
  console.log(`fixtures written to ${resolve(target)}`);
}
