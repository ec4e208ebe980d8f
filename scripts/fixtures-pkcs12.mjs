// The PKCS#12 algorithm matrix: every algorithm `openssl pkcs12 -export` writes, and the rest (PBKDF2 PRFs it
// cannot choose, scrypt, IDEA, PBMAC1, PEM armour, nested bags, BER, public-key integrity, OpenSSL 1.0.x passwords)
// built here from node:crypto primitives. Nothing here shares code with the parser. Each case's expected
// certificate comes from `openssl pkcs12 -nokeys -clcerts` or, for files OpenSSL cannot read, this script's input.
import { execFileSync } from "node:child_process";
import { createCipheriv, createHash, createHmac, pbkdf2Sync, scryptSync, sign } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** PBEs and ciphers that `openssl pkcs12 -export -keypbe/-certpbe` writes (IDEA: OpenSSL here lacks it). */
export const OPENSSL_PBES = [
  "PBE-SHA1-RC4-128",
  "PBE-SHA1-RC4-40",
  "PBE-SHA1-3DES",
  "PBE-SHA1-2DES",
  "PBE-SHA1-RC2-128",
  "PBE-SHA1-RC2-40",
  "PBE-MD5-DES",
  "PBE-SHA1-DES",
  "PBE-MD5-RC2-64",
  "PBE-SHA1-RC2-64",
  "aes-128-cbc",
  "aes-192-cbc",
  "aes-256-cbc",
  "aes-128-ofb",
  "aes-256-cfb",
  "aes-128-ecb",
  "camellia-128-cbc",
  "camellia-192-cbc",
  "camellia-256-cbc",
  "aria-128-cbc",
  "aria-192-cbc",
  "aria-256-cbc",
  "sm4-cbc",
  "des-cbc",
  "des-ede3-cbc",
  "rc2-cbc",
  "rc2-40-cbc",
  "rc2-64-cbc",
  "bf-cbc",
  "cast5-cbc",
  "seed-cbc",
];

/** MAC digests that `openssl pkcs12 -export -macalg` writes. */
export const OPENSSL_MACS = [
  "md4",
  "md5",
  "sha1",
  "sha224",
  "sha256",
  "sha384",
  "sha512",
  "sha512-224",
  "sha512-256",
  "sha3-224",
  "sha3-256",
  "sha3-384",
  "sha3-512",
  "sm3",
  "ripemd160",
  "whirlpool",
];

// --- A small DER/BER writer: `ber` writes every constructed element with an indefinite length and every
// OCTET STRING in 16-byte segments, as Java and Windows do.
const length = (n) =>
  n < 0x80
    ? [n]
    : n < 0x100
      ? [0x81, n]
      : n < 0x10000
        ? [0x82, n >> 8, n & 0xff]
        : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
function writer(ber) {
  const tlv = (tag, body) => Buffer.concat([Buffer.from([tag, ...length(body.length)]), body]);
  const constructed = (tag, parts) =>
    ber
      ? Buffer.concat([Buffer.from([tag, 0x80]), ...parts, Buffer.from([0, 0])])
      : tlv(tag, Buffer.concat(parts));
  const segmented = (tag, bytes) => {
    if (!ber) return tlv(tag, bytes);
    const segments = [];
    for (let at = 0; at < bytes.length; at += 16) segments.push(tlv(0x04, bytes.subarray(at, at + 16)));
    return constructed(tag | 0x20, segments);
  };
  return {
    seq: (...parts) => constructed(0x30, parts),
    set: (...parts) => constructed(0x31, parts),
    explicit: (n, ...parts) => constructed(0xa0 | n, parts),
    octets: (bytes) => segmented(0x04, Buffer.from(bytes)),
    implicitOctets: (n, bytes) => segmented(0x80 | n, Buffer.from(bytes)),
    int: (value) => {
      let hex = BigInt(value).toString(16);
      if (hex.length % 2) hex = `0${hex}`;
      if (Number.parseInt(hex.slice(0, 2), 16) & 0x80) hex = `00${hex}`;
      return tlv(0x02, Buffer.from(hex, "hex"));
    },
    oid: (dotted) => {
      const [a, b, ...rest] = dotted.split(".").map(BigInt);
      const body = [];
      for (const arc of [a * 40n + b, ...rest]) {
        const bytes = [Number(arc & 0x7fn)];
        for (let v = arc >> 7n; v > 0n; v >>= 7n) bytes.unshift(Number((v & 0x7fn) | 0x80n));
        body.push(...bytes);
      }
      return tlv(0x06, Buffer.from(body));
    },
    null: () => Buffer.from([0x05, 0x00]),
    raw: (bytes) => Buffer.from(bytes),
  };
}

const OID = {
  data: "1.2.840.113549.1.7.1",
  signedData: "1.2.840.113549.1.7.2",
  encryptedData: "1.2.840.113549.1.7.6",
  shroudedKeyBag: "1.2.840.113549.1.12.10.1.2",
  certBag: "1.2.840.113549.1.12.10.1.3",
  safeContentsBag: "1.2.840.113549.1.12.10.1.6",
  x509Certificate: "1.2.840.113549.1.9.22.1",
  pbes2: "1.2.840.113549.1.5.13",
  pbkdf2: "1.2.840.113549.1.5.12",
  pbmac1: "1.2.840.113549.1.5.14",
  scrypt: "1.3.6.1.4.1.11591.4.11",
  pbeSha1TripleDes: "1.2.840.113549.1.12.1.3",
  sha1: "1.3.14.3.2.26",
  sha256: "2.16.840.1.101.3.4.2.1",
  rsaEncryption: "1.2.840.113549.1.1.1",
  aes256Cbc: "2.16.840.1.101.3.4.1.42",
  ideaCbc: "1.3.6.1.4.1.188.7.1.1.2",
};

/** PBKDF2 PRFs by node:crypto digest name. */
export const PRF_OIDS = {
  md5: "1.2.840.113549.2.6",
  sha1: "1.2.840.113549.2.7",
  sha224: "1.2.840.113549.2.8",
  sha256: "1.2.840.113549.2.9",
  sha384: "1.2.840.113549.2.10",
  sha512: "1.2.840.113549.2.11",
  "sha512-224": "1.2.840.113549.2.12",
  "sha512-256": "1.2.840.113549.2.13",
  "sha3-224": "2.16.840.1.101.3.4.2.13",
  "sha3-256": "2.16.840.1.101.3.4.2.14",
  "sha3-384": "2.16.840.1.101.3.4.2.15",
  "sha3-512": "2.16.840.1.101.3.4.2.16",
  sm3: "1.2.156.10197.1.401.3.1",
};

const salt = (seed) => createHash("sha256").update(seed).digest().subarray(0, 16);
const bmp = (text) => Buffer.from(`${text}\0`, "utf16le").swap16();

/** RFC 7292 appendix B.2 with SHA-1 or SHA-256 (block 64), written plainly: one createHash per round. */
function pkcs12Kdf(digest, password, saltBytes, id, iterations, size) {
  const u = createHash(digest).digest().length;
  const v = 64;
  const fill = (bytes) =>
    Buffer.from(
      Uint8Array.from({ length: v * Math.ceil(bytes.length / v) }, (_, i) => bytes[i % bytes.length]),
    );
  const I = Buffer.concat([fill(saltBytes), fill(password)]);
  const out = [];
  for (let produced = 0; produced < size; produced += u) {
    let a = createHash(digest).update(Buffer.alloc(v, id)).update(I).digest();
    for (let round = 1; round < iterations; round++) a = createHash(digest).update(a).digest();
    out.push(a);
    const b = fill(a);
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        carry += I[j + k] + b[k];
        I[j + k] = carry & 0xff;
        carry >>= 8;
      }
    }
  }
  return Buffer.concat(out).subarray(0, size);
}

/** IDEA needs OpenSSL's legacy provider, which only a Node.js started with it has. */
function ideaEncrypt(key, iv, plain) {
  const script =
    'const c=require("node:crypto");const [k,i]=process.argv.slice(1);const x=c.createCipheriv("idea-cbc",Buffer.from(k,"hex"),Buffer.from(i,"hex"));process.stdout.write(Buffer.concat([x.update(require("node:fs").readFileSync(0)),x.final()]))';
  return execFileSync(
    process.execPath,
    ["--openssl-legacy-provider", "-e", script, key.toString("hex"), iv.toString("hex")],
    {
      input: plain,
    },
  );
}

/** An encryption scheme: its AlgorithmIdentifier and the function that encrypts under it. */
function pbes2Scheme(w, password, seed, { prf = "sha256", kdf = "pbkdf2", cipher = "aes-256-cbc" } = {}) {
  const iv = salt(`${seed}-iv`).subarray(0, cipher === "idea-cbc" ? 8 : 16);
  const s = salt(seed);
  const secret = Buffer.from(password, "utf8");
  const size = cipher === "idea-cbc" ? 16 : 32;
  const key =
    kdf === "scrypt"
      ? scryptSync(secret, s, size, { N: 1024, r: 8, p: 1 })
      : pbkdf2Sync(secret, s, 2048, size, prf);
  const kdfId =
    kdf === "scrypt"
      ? w.seq(w.oid(OID.scrypt), w.seq(w.octets(s), w.int(1024), w.int(8), w.int(1)))
      : w.seq(w.oid(OID.pbkdf2), w.seq(w.octets(s), w.int(2048), w.seq(w.oid(PRF_OIDS[prf]), w.null())));
  const cipherOid = cipher === "idea-cbc" ? OID.ideaCbc : OID.aes256Cbc;
  return {
    id: w.seq(w.oid(OID.pbes2), w.seq(kdfId, w.seq(w.oid(cipherOid), w.octets(iv)))),
    encrypt: (plain) => {
      if (cipher === "idea-cbc") return ideaEncrypt(key, iv, plain);
      const c = createCipheriv(cipher, key, iv);
      return Buffer.concat([c.update(plain), c.final()]);
    },
  };
}

/** pbeWithSHAAnd3-KeyTripleDES-CBC over a BMPString password given as its exact bytes. */
function tripleDesScheme(w, passwordBmp, seed) {
  const s = salt(seed).subarray(0, 8);
  const key = pkcs12Kdf("sha1", passwordBmp, s, 1, 2048, 24);
  const iv = pkcs12Kdf("sha1", passwordBmp, s, 2, 2048, 8);
  return {
    id: w.seq(w.oid(OID.pbeSha1TripleDes), w.seq(w.octets(s), w.int(2048))),
    encrypt: (plain) => {
      const c = createCipheriv("des-ede3-cbc", key, iv);
      return Buffer.concat([c.update(plain), c.final()]);
    },
  };
}

/**
 * Builds a PFX: a shrouded key bag and the leaf's (and CA's) cert bags, the certificates encrypted or not, an
 * RFC 7292 MAC, a PBMAC1 MAC, a signature (public-key integrity mode) or no integrity at all.
 */
function buildPfx(w, material, { scheme, certsEncrypted = true, nested = false, integrity }) {
  const certBag = (der) =>
    w.seq(w.oid(OID.certBag), w.explicit(0, w.seq(w.oid(OID.x509Certificate), w.explicit(0, w.octets(der)))));
  const certBags = [certBag(material.leafDer), certBag(material.caDer)];
  const certContents = nested
    ? w.seq(w.seq(w.oid(OID.safeContentsBag), w.explicit(0, w.seq(...certBags))))
    : w.seq(...certBags);
  const keyBag = w.seq(
    w.oid(OID.shroudedKeyBag),
    w.explicit(0, w.seq(scheme.id, w.octets(scheme.encrypt(material.keyDer)))),
  );
  const dataInfo = (bytes) => w.seq(w.oid(OID.data), w.explicit(0, w.octets(bytes)));
  const certInfo = certsEncrypted
    ? w.seq(
        w.oid(OID.encryptedData),
        w.explicit(
          0,
          w.seq(
            w.int(0),
            w.seq(w.oid(OID.data), scheme.id, w.implicitOctets(0, scheme.encrypt(certContents))),
          ),
        ),
      )
    : dataInfo(certContents);
  const authSafe = w.seq(certInfo, dataInfo(w.seq(keyBag)));
  if (integrity.kind === "signature") {
    const signature = sign("sha256", authSafe, material.key);
    const sha256 = w.seq(w.oid(OID.sha256), w.null());
    const signer = w.seq(
      w.int(3),
      w.raw(Buffer.concat([Buffer.from([0x80, 20]), createHash("sha1").update(material.leafDer).digest()])),
      sha256,
      w.seq(w.oid(OID.rsaEncryption), w.null()),
      w.octets(signature),
    );
    const signedData = w.seq(
      w.int(3),
      w.set(sha256),
      dataInfo(authSafe),
      Buffer.concat([Buffer.from([0xa0, ...length(material.leafDer.length)]), material.leafDer]),
      w.set(signer),
    );
    return w.seq(w.int(3), w.seq(w.oid(OID.signedData), w.explicit(0, signedData)));
  }
  const pfx = [w.int(3), dataInfo(authSafe)];
  if (integrity.kind === "mac") {
    const s = salt("mac").subarray(0, 8);
    const key = pkcs12Kdf(
      integrity.digest,
      integrity.passwordBmp,
      s,
      3,
      2048,
      createHash(integrity.digest).digest().length,
    );
    const mac = createHmac(integrity.digest, key).update(authSafe).digest();
    const digestOid = integrity.digest === "sha1" ? OID.sha1 : OID.sha256;
    pfx.push(w.seq(w.seq(w.seq(w.oid(digestOid), w.null()), w.octets(mac)), w.octets(s), w.int(2048)));
  } else if (integrity.kind === "pbmac1") {
    const s = salt("pbmac1");
    const key = pbkdf2Sync(Buffer.from(integrity.password, "utf8"), s, 2048, 32, "sha256");
    const mac = createHmac("sha256", key).update(authSafe).digest();
    const hmacSha256 = w.seq(w.oid(PRF_OIDS.sha256), w.null());
    const params = w.seq(
      w.seq(w.oid(OID.pbkdf2), w.seq(w.octets(s), w.int(2048), w.int(32), hmacSha256)),
      hmacSha256,
    );
    pfx.push(
      w.seq(w.seq(w.seq(w.oid(OID.pbmac1), params), w.octets(mac)), w.octets(salt("unused")), w.int(1)),
    );
  }
  return w.seq(...pfx);
}

const sha256Hex = (der) => createHash("sha256").update(der).digest("hex");

/** The certificates `openssl pkcs12 -nokeys -clcerts` prints (those tied to a key), as SHA-256 of their DER. */
function opensslLeafCertificates(file, password, cwd) {
  const text = execFileSync(
    "openssl",
    ["pkcs12", "-legacy", "-nokeys", "-clcerts", "-passin", `pass:${password}`, "-in", file],
    {
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
    },
  ).toString();
  return [...text.matchAll(/-----BEGIN CERTIFICATE-----([^-]+)-----END CERTIFICATE-----/g)].map((m) =>
    sha256Hex(Buffer.from(m[1].replace(/\s+/g, ""), "base64")),
  );
}

/**
 * Writes the matrix into `<dir>/pkcs12/` and its manifest `<dir>/pkcs12/matrix.json`: for each case the file, the
 * password that opens it, the certificates it yields and what a wrong password yields (`bad_password`, or
 * `opens` where nothing depends on the password).
 */
export function generatePkcs12Matrix(dir, { password, leafDer, caDer, key }) {
  const out = join(dir, "pkcs12");
  mkdirSync(out, { recursive: true });
  const cases = [];
  const openssl = (name, args, pass = password, wrong = "bad_password") => {
    execFileSync(
      "openssl",
      [
        "pkcs12",
        "-export",
        "-legacy",
        "-in",
        "../leaf.pem",
        "-inkey",
        "../leaf.key",
        "-certfile",
        "../ca.pem",
        "-passout",
        `pass:${pass}`,
        ...args,
        "-out",
        name,
      ],
      { cwd: out, stdio: ["ignore", "pipe", "pipe"] },
    );
    cases.push({
      file: name,
      password: pass,
      certificates: opensslLeafCertificates(name, pass, out),
      wrong,
      origin: "openssl",
    });
  };
  for (const pbe of OPENSSL_PBES)
    openssl(`pbe-${pbe}.p12`, ["-keypbe", pbe, "-certpbe", pbe, "-macalg", "sha256"]);
  for (const mac of OPENSSL_MACS) openssl(`mac-${mac}.p12`, ["-macalg", mac]);
  openssl("iter-1.p12", [
    "-iter",
    "1",
    "-macalg",
    "sha256",
    "-keypbe",
    "aes-256-cbc",
    "-certpbe",
    "aes-256-cbc",
  ]);
  openssl("noiter.p12", ["-noiter", "-nomaciter"]);
  openssl("nomac.p12", ["-nomac", "-keypbe", "aes-256-cbc", "-certpbe", "aes-256-cbc"]);
  openssl("certs-unencrypted.p12", ["-certpbe", "NONE", "-keypbe", "aes-256-cbc", "-macalg", "sha256"]);
  openssl("nothing-encrypted.p12", ["-certpbe", "NONE", "-keypbe", "NONE", "-nomac"], password, "opens");
  openssl(
    "utf8-password.p12",
    ["-keypbe", "aes-256-cbc", "-certpbe", "aes-256-cbc", "-macalg", "sha256"],
    "pässwörd-✓",
  );

  const material = { leafDer, caDer, key, keyDer: key.export({ type: "pkcs8", format: "der" }) };
  const leaf = [sha256Hex(leafDer)];
  const built = (name, bytes, options = {}) => {
    writeFileSync(join(out, name), bytes);
    cases.push({
      file: name,
      password,
      certificates: leaf,
      wrong: "bad_password",
      origin: "node",
      ...options,
    });
  };
  const der = writer(false);
  const macBy = (digest, pass = password) => ({ kind: "mac", digest, passwordBmp: bmp(pass) });
  for (const prf of Object.keys(PRF_OIDS)) {
    built(
      `prf-${prf}.p12`,
      buildPfx(der, material, {
        scheme: pbes2Scheme(der, password, prf, { prf }),
        integrity: macBy("sha256"),
      }),
    );
  }
  built(
    "scrypt.p12",
    buildPfx(der, material, {
      scheme: pbes2Scheme(der, password, "scrypt", { kdf: "scrypt" }),
      integrity: macBy("sha256"),
    }),
  );
  built(
    "idea.p12",
    buildPfx(der, material, {
      scheme: pbes2Scheme(der, password, "idea", { cipher: "idea-cbc" }),
      integrity: macBy("sha256"),
    }),
  );
  built(
    "pbmac1.p12",
    buildPfx(der, material, {
      scheme: pbes2Scheme(der, password, "pbmac1"),
      integrity: { kind: "pbmac1", password },
    }),
  );
  built(
    "nested.p12",
    buildPfx(der, material, {
      scheme: pbes2Scheme(der, password, "nested"),
      nested: true,
      integrity: macBy("sha256"),
    }),
  );
  const ber = writer(true);
  built(
    "ber-indefinite.p12",
    buildPfx(ber, material, {
      scheme: pbes2Scheme(ber, password, "ber"),
      nested: true,
      integrity: macBy("sha256"),
    }),
  );
  built(
    "public-key-integrity.p12",
    buildPfx(der, material, {
      scheme: pbes2Scheme(der, password, "signed"),
      certsEncrypted: false,
      integrity: { kind: "signature" },
    }),
    {
      warning:
        "integrity not verified: the file uses public-key integrity mode (a signature, not a password MAC)",
    },
  );
  // OpenSSL 1.0.x fed the UTF-8 bytes of a password to the PKCS#12 KDF as if each were a character.
  const utf8Password = "pässwörd-✓";
  const asBytes = bmp(Buffer.from(utf8Password, "utf8").toString("latin1"));
  built(
    "openssl10-utf8-password.p12",
    buildPfx(der, material, {
      scheme: tripleDesScheme(der, asBytes, "10x"),
      integrity: macBy("sha1", Buffer.from(utf8Password, "utf8").toString("latin1")),
    }),
    {
      password: utf8Password,
    },
  );
  const pemBody = buildPfx(der, material, {
    scheme: pbes2Scheme(der, password, "pem"),
    integrity: macBy("sha256"),
  }).toString("base64");
  built(
    "armoured.p12",
    `-----BEGIN PKCS12-----\n${pemBody.replace(/.{1,64}/g, "$&\n")}-----END PKCS12-----\n`,
  );
  writeFileSync(join(out, "matrix.json"), `${JSON.stringify(cases, null, 2)}\n`);
  return cases;
}
