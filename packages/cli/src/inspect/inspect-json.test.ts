import { describe, expect, it } from "vitest";
import { type InspectedFile, inspectJson } from "./inspect.js";

const certificate = {
  sha256: "ab".repeat(32),
  sha1: "cd".repeat(20),
  serialNumber: "01",
  subject: 'CN=Quote " and\nnewline',
  subjectName: "Quote",
  issuer: "CN=Root",
  issuerName: "Root",
  notBefore: "2025-01-01T00:00:00Z",
  notAfter: "2027-01-01T00:00:00Z",
  isCA: false,
  keyUsage: ["digitalSignature"],
  extendedKeyUsage: ["1.3.6.1.5.5.7.3.3"],
  signatureAlgorithm: "ecdsa-with-SHA256",
  publicKeyAlgorithm: "id-ecPublicKey",
  publicKeySize: 256,
  upload: true,
  skipReason: null,
};
const good: InspectedFile = { path: "/certs/a.cer", format: "der", error: null, certificates: [certificate] };
const bad: InspectedFile = {
  path: "/certs/new\nline.pem",
  format: null,
  error: { code: "malformed", message: "bad" },
  certificates: [],
};

describe("inspectJson", () => {
  it.each([
    ["no files", []],
    ["one file", [good]],
    ["several files, with newlines and quotes in values", [good, bad, good]],
  ])("is the text of JSON.stringify({ files }, null, 2) for %s", (_name, files) => {
    expect([...inspectJson(files)].join("")).toBe(`${JSON.stringify({ files }, null, 2)}\n`);
  });

  it("is made a file at a time", () => {
    expect([...inspectJson([good, bad, good])]).toHaveLength(5);
  });
});
