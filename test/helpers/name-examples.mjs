// The worked examples of docs/name-rendering.md: each certificate's subject as encoded, built for real so that
// test/examples.test.ts can check the page against what `intune-codesign inspect --json` renders.
//   node test/helpers/name-examples.mjs   prints the page's example blocks (from the built CLI) to paste
import { execFileSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildCertificate, OIDS } from "../../scripts/fixtures-certificates.mjs";

const CLI = fileURLToPath(new URL("../../packages/cli/bin/intune-codesign.js", import.meta.url));

/** Attribute types by the key the page shows (Windows' keys; unknown ones by OID). */
const TYPES = {
  CN: "2.5.4.3",
  SN: "2.5.4.4",
  SERIALNUMBER: "2.5.4.5",
  C: "2.5.4.6",
  L: "2.5.4.7",
  S: "2.5.4.8",
  STREET: "2.5.4.9",
  O: "2.5.4.10",
  OU: "2.5.4.11",
  T: "2.5.4.12",
  G: "2.5.4.42",
  I: "2.5.4.43",
  DC: "0.9.2342.19200300.100.1.25",
  E: "1.2.840.113549.1.9.1",
};

/** ASN.1 string types as the @peculiar/asn1-x509 AttributeValue choice names them, or as raw tag bytes. */
const STRING_TYPES = {
  UTF8String: (text) => ({ utf8String: text }),
  PrintableString: (text) => ({ printableString: text }),
  IA5String: (text) => ({ ia5String: text }),
  TeletexString: (text) => ({ teletexString: text }),
  BMPString: (text) => ({ bmpString: text }),
  UniversalString: (text) => ({ universalString: text }),
  NumericString: (text) => raw(0x12, Buffer.from(text, "latin1")),
  VisibleString: (text) => raw(0x1a, Buffer.from(text, "latin1")),
  INTEGER: (text) => raw(0x02, Buffer.from(text, "hex")),
};

function raw(tag, content) {
  return { anyValue: new Uint8Array([tag, content.length, ...content]).buffer };
}

/** One attribute: `key` is a Windows key or a dotted OID; `bytes` shows how a TeletexString's bytes are given. */
const at = (key, type, value, bytes) => ({ key, type, value, bytes });

/**
 * The examples, subject RDNs in encoded order (each RDN a list of attributes). TeletexString values are byte
 * strings (one character per byte): `bytes` says which encoding produced them.
 */
export const NAME_EXAMPLES = [
  {
    id: "typical",
    rdns: [
      [at("C", "PrintableString", "US")],
      [at("S", "UTF8String", "Washington")],
      [at("L", "UTF8String", "Redmond")],
      [at("O", "UTF8String", "Contoso, Ltd")],
      [at("OU", "UTF8String", "Dev")],
      [at("CN", "UTF8String", "Contoso Code Signing")],
    ],
  },
  {
    id: "quoting",
    rdns: [
      [at("C", "PrintableString", "US")],
      [at("O", "UTF8String", "Fabrikam, Inc.")],
      [at("OU", "UTF8String", "R&D (Build/Release)")],
      [at("OU", "UTF8String", "Team #7; Signing")],
      [at("OU", "UTF8String", "")],
      [at("L", "UTF8String", " Zurich ")],
      [at("CN", "UTF8String", 'Fabrikam "Beta" Signing')],
    ],
  },
  {
    id: "multi-valued",
    rdns: [
      [at("C", "PrintableString", "US")],
      [at("O", "UTF8String", "Contoso"), at("OU", "UTF8String", "Release Engineering")],
      [at("CN", "UTF8String", "Contoso Release"), at("E", "IA5String", "release@contoso.example")],
    ],
  },
  {
    id: "unknown-oid",
    rdns: [
      [at("1.3.6.1.4.1.311.60.2.1.3", "PrintableString", "US")],
      [at("2.5.4.15", "UTF8String", "Private Organization")],
      [at("SERIALNUMBER", "PrintableString", "5012345")],
      [at("C", "PrintableString", "US")],
      [at("O", "UTF8String", "Woodgrove Bank")],
      [at("1.2.3.4.5", "INTEGER", "01")],
      [at("CN", "UTF8String", "Woodgrove Bank")],
    ],
  },
  {
    id: "string-types",
    rdns: [
      [at("C", "PrintableString", "DE")],
      [at("O", "TeletexString", Buffer.from("Müller GmbH", "utf8").toString("latin1"), "UTF-8")],
      [at("OU", "TeletexString", Buffer.from("Zürich", "latin1").toString("latin1"), "Latin-1")],
      [at("L", "BMPString", "Köln")],
      [at("S", "UniversalString", "東京都")],
      [at("DC", "IA5String", "example")],
      [at("SERIALNUMBER", "NumericString", "0042")],
      [at("T", "VisibleString", "Signer")],
      [at("CN", "UTF8String", "Müller Code Signing")],
    ],
  },
  {
    id: "keys",
    rdns: [
      [at("DC", "IA5String", "com")],
      [at("DC", "IA5String", "contoso")],
      [at("STREET", "UTF8String", "1 Microsoft Way")],
      [at("SN", "UTF8String", "Doe")],
      [at("G", "UTF8String", "Jane")],
      [at("I", "UTF8String", "J.D.")],
      [at("T", "UTF8String", "Release Manager")],
      [at("E", "IA5String", "jane@contoso.example")],
      [at("CN", "UTF8String", "Jane Doe")],
    ],
  },
  {
    id: "simple-name-first-cn",
    rdns: [
      [at("CN", "UTF8String", "Contoso Signing")],
      [at("OU", "UTF8String", "Dev")],
      [at("CN", "UTF8String", "Build Agent 7")],
    ],
  },
  {
    id: "simple-name-ou",
    rdns: [
      [at("C", "PrintableString", "US")],
      [at("O", "UTF8String", "Contoso")],
      [at("OU", "UTF8String", "Line-of-Business Apps")],
      [at("OU", "UTF8String", "Signing")],
    ],
  },
  {
    id: "simple-name-o",
    rdns: [
      [at("C", "PrintableString", "US")],
      [at("E", "IA5String", "pki@contoso.example")],
      [at("O", "UTF8String", "Contoso, Ltd")],
    ],
  },
  {
    id: "simple-name-e",
    rdns: [[at("C", "PrintableString", "US")], [at("E", "IA5String", "signing@contoso.example")]],
  },
  {
    id: "simple-name-whole",
    rdns: [
      [at("C", "PrintableString", "NO")],
      [at("L", "UTF8String", "Oslo")],
      [at("SERIALNUMBER", "PrintableString", "987654321")],
    ],
  },
];

const ISSUER = [[at("O", "PrintableString", "Example")], [at("CN", "PrintableString", "Example Issuing CA")]];

function asn1Name(rdns) {
  return rdns.map((rdn) =>
    rdn.map((a) => ({ type: TYPES[a.key] ?? a.key, value: STRING_TYPES[a.type](a.value) })),
  );
}

/** Writes one DER certificate per example, `<id>.der`, into `dir`; returns the paths by id. */
export function writeNameExamples(dir) {
  const issuerKeys = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const keys = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const paths = new Map();
  NAME_EXAMPLES.forEach((example, index) => {
    const der = buildCertificate({
      subject: asn1Name(example.rdns),
      issuer: asn1Name(ISSUER),
      publicKey: keys.publicKey,
      issuerKey: issuerKeys.privateKey,
      notBefore: new Date("2026-01-01T00:00:00Z"),
      notAfter: new Date("2099-12-31T23:59:59Z"),
      serial: [0x10, index + 1],
      eku: [OIDS.codeSigning],
    });
    const path = join(dir, `${example.id}.der`);
    writeFileSync(path, der);
    paths.set(example.id, path);
  });
  return paths;
}

/** How the page lists an example's encoded subject: one line per attribute, values as JSON strings. */
export function describeEncoding(example) {
  const lines = ["encoded subject, RDNs in encoded order (values as JSON strings):"];
  const keyWidth = Math.max(...example.rdns.flat().map((a) => a.key.length));
  const typeWidth = Math.max(...example.rdns.flat().map((a) => a.type.length));
  example.rdns.forEach((rdn, index) => {
    rdn.forEach((a, position) => {
      const number = position === 0 ? String(index + 1).padStart(2) : " +";
      const value =
        a.type === "INTEGER"
          ? `0x${a.value}`
          : a.bytes
            ? `${JSON.stringify(Buffer.from(a.value, "latin1").toString(a.bytes === "UTF-8" ? "utf8" : "latin1"))} as ${a.bytes} bytes`
            : JSON.stringify(a.value);
      lines.push(`  ${number}  ${a.key.padEnd(keyWidth)}  ${a.type.padEnd(typeWidth)}  ${value}`);
    });
  });
  return lines.join("\n");
}

/** The block the page shows for an example, given what the CLI rendered. */
export function exampleBlock(example, rendered) {
  return `${describeEncoding(example)}\nsubject:     ${rendered.subject}\nsubjectName: ${rendered.subjectName}\n`;
}

/** Runs the built CLI's `inspect --json` over every example; returns the rendered fields by id. */
export function renderNameExamples() {
  const dir = mkdtempSync(join(tmpdir(), "name-examples-"));
  try {
    const paths = writeNameExamples(dir);
    const output = JSON.parse(
      execFileSync(process.execPath, [CLI, "inspect", "--json", dir], { encoding: "utf8" }),
    );
    const byPath = new Map(output.files.map((file) => [file.path, file.certificates[0]]));
    return new Map(NAME_EXAMPLES.map((example) => [example.id, byPath.get(paths.get(example.id))]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rendered = renderNameExamples();
  for (const example of NAME_EXAMPLES) {
    process.stdout.write(
      `<!-- example: ${example.id} -->\n\`\`\`text\n${exampleBlock(example, rendered.get(example.id))}\`\`\`\n\n`,
    );
  }
}
