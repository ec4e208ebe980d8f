import { join } from "node:path";
import { generateFixtures } from "@intune-codesign/testkit/fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderWindowsDn, simpleName } from "./distinguished-name.js";
import { parseFile } from "./parse-file.js";

describe("renderWindowsDn", () => {
  it.each([
    ["plain", [[{ type: "2.5.4.3", value: "A" }]], "CN=A"],
    ["reversed RDNs", [[{ type: "2.5.4.6", value: "US" }], [{ type: "2.5.4.3", value: "A" }]], "CN=A, C=US"],
    ["empty value", [[{ type: "2.5.4.11", value: "" }]], 'OU=""'],
    ["inner quotes doubled", [[{ type: "2.5.4.10", value: 'say "hi"' }]], 'O="say ""hi"""'],
    ["leading space", [[{ type: "2.5.4.10", value: " x" }]], 'O=" x"'],
    ["hash", [[{ type: "2.5.4.10", value: "#1" }]], 'O="#1"'],
    ["inner space only", [[{ type: "2.5.4.10", value: "a b" }]], "O=a b"],
    ["unknown type", [[{ type: "1.2.3.4", value: "v" }]], "OID.1.2.3.4=v"],
    [
      "multi-valued",
      [
        [
          { type: "2.5.4.3", value: "A" },
          { type: "1.2.840.113549.1.9.1", value: "e@x" },
        ],
      ],
      "CN=A + E=e@x",
    ],
  ])("%s", (_, name, expected) => {
    expect(renderWindowsDn(name)).toBe(expected);
  });
});

describe("simpleName", () => {
  it.each([
    [
      "first CN in encoded order",
      [[{ type: "2.5.4.3", value: "One" }], [{ type: "2.5.4.3", value: "Two" }]],
      "One",
    ],
    ["OU before O", [[{ type: "2.5.4.10", value: "Org" }], [{ type: "2.5.4.11", value: "Unit" }]], "Unit"],
    [
      "O before E",
      [[{ type: "1.2.840.113549.1.9.1", value: "e@x" }], [{ type: "2.5.4.10", value: "Org" }]],
      "Org",
    ],
    [
      "whole name otherwise",
      [[{ type: "2.5.4.6", value: "US" }], [{ type: "2.5.4.7", value: "Oslo" }]],
      "L=Oslo, C=US",
    ],
  ])("%s", (_, name, expected) => {
    expect(simpleName(name)).toBe(expected);
  });
});

describe("names decoded from a certificate", () => {
  let dir: string;
  let cleanup: () => void;
  beforeAll(() => {
    ({ dir, cleanup } = generateFixtures());
  });
  afterAll(() => cleanup());

  it("decodes every string type, multi-valued RDNs, quoting and GeneralizedTime 9999", async () => {
    const [certificate] = (await parseFile(join(dir, "names.der"))).certificates;
    expect(certificate?.subject).toBe(
      'STREET="a;b<c>#d=e+f\nx", OU="", G=Ann, DC=example, SERIALNUMBER=12345, T=" padded ", ' +
        'OID.1.3.6.1.4.1.311.60.2.1.3=US, CN="Signer, ""Quoted""" + E=signer@example.com, ' +
        "S=\u6771\u4eac\u{1f600}, L=K\u00f6ln, OU=Z\u00fcrich, O=M\u00fcller, C=DE",
    );
    expect(certificate?.subjectName).toBe('Signer, "Quoted"');
    expect(certificate?.notAfter).toBe("9999-12-31T23:59:59Z");
    expect(certificate?.serialNumber).toBe("80");
  });
});
