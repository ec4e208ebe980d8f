// Generates many distinct, properly signed DER code-signing certificates quickly: openssl makes one
// template, then each copy gets its own serial number and CN and is re-signed in-process (ECDSA P-256).
import { execFileSync } from "node:child_process";
import { createPrivateKey, sign } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const asn1js = createRequire(join(root, "packages/parser/package.json"))("asn1js");
const CN_PLACEHOLDER = "Bench Signer 000000";

function openssl(args, cwd) {
  execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
}

function makeTemplate(work) {
  openssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ca.key"], work);
  openssl(
    [
      "req",
      "-x509",
      "-new",
      "-key",
      "ca.key",
      "-subj",
      "/O=Bench/CN=Bench CA",
      "-days",
      "3650",
      "-out",
      "ca.pem",
    ],
    work,
  );
  openssl(["genrsa", "-out", "leaf.key", "2048"], work);
  openssl(
    [
      "req",
      "-new",
      "-key",
      "leaf.key",
      "-subj",
      `/C=US/O=Contoso, Ltd/CN=${CN_PLACEHOLDER}`,
      "-out",
      "leaf.csr",
    ],
    work,
  );
  writeFileSync(
    join(work, "ext.cnf"),
    "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=codeSigning\n" +
      "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n",
  );
  openssl(
    [
      "x509",
      "-req",
      "-in",
      "leaf.csr",
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-set_serial",
      "0x7f0102030405060708090a0b0c0d0e0f10111213",
    ].concat(["-days", "1095", "-sha256", "-extfile", "ext.cnf", "-outform", "DER", "-out", "leaf.der"]),
    work,
  );
  return {
    der: readFileSync(join(work, "leaf.der")),
    caKey: createPrivateKey(readFileSync(join(work, "ca.key"))),
  };
}

/** Writes `count` certificates as `<dir>/certs/NNNNN.cer`. */
export async function generateBenchCertificates(dir, count) {
  const work = mkdtempSync(join(tmpdir(), "bench-template-"));
  try {
    const { der, caKey } = makeTemplate(work);
    const certificate = asn1js.fromBER(new Uint8Array(der)).result;
    const [tbsBlock, algorithm] = certificate.valueBlock.value;
    const tbs = Buffer.from(tbsBlock.valueBeforeDecodeView);
    const serialAt = tbs.indexOf(Buffer.from("7f0102030405060708090a0b0c0d0e0f10111213", "hex"));
    const cnAt = tbs.indexOf(Buffer.from(CN_PLACEHOLDER));
    const algorithmBlock = asn1js.fromBER(algorithm.valueBeforeDecodeView.slice()).result;
    const certs = join(dir, "certs");
    mkdirSync(certs, { recursive: true });
    for (let i = 0; i < count; i++) {
      const label = String(i).padStart(6, "0");
      tbs.writeUInt32BE(i, serialAt + 16);
      tbs.write(label, cnAt + CN_PLACEHOLDER.length - 6, "latin1");
      const signature = sign("sha256", tbs, caKey);
      const signed = new asn1js.Sequence({
        value: [
          asn1js.fromBER(new Uint8Array(tbs)).result,
          algorithmBlock,
          new asn1js.BitString({ valueHex: signature }),
        ],
      });
      writeFileSync(join(certs, `${label}.cer`), Buffer.from(signed.toBER(false)));
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
