import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childrenOf, decodeBer, encodingOf } from "./asn1.js";
import { certificateTime } from "./certificate-time.js";
import { parseBytes } from "./parse-bytes.js";

describe("certificateTime", () => {
  it.each([
    ["491231235959Z", "2049-12-31T23:59:59Z"],
    ["500101000000Z", "1950-01-01T00:00:00Z"],
    // BER: minutes only, and offsets (local time minus the offset is UTC).
    ["2501021530Z", "2025-01-02T15:30:00Z"],
    ["250102153045+0130", "2025-01-02T14:00:45Z"],
    ["991231233059-0100", "2000-01-01T00:30:59Z"],
    ["2501020030+0100", "2025-01-01T23:30:00Z"],
  ])("reads UTCTime %s as %s", (text, iso) => {
    expect(certificateTime(false, text, "notBefore")).toBe(iso);
  });

  it.each([
    ["20250102153045Z", "2025-01-02T15:30:45Z"],
    ["99991231235959Z", "9999-12-31T23:59:59Z"],
    ["20250102153045.678Z", "2025-01-02T15:30:45Z"],
    // A fraction belongs to the last unit written: half an hour, a quarter of a minute.
    ["2025010215.5Z", "2025-01-02T15:30:00Z"],
    ["202501021530,25Z", "2025-01-02T15:30:15Z"],
    ["2025010215Z", "2025-01-02T15:00:00Z"],
    ["20250102153045+0200", "2025-01-02T13:30:45Z"],
    ["20250102153045-05", "2025-01-02T20:30:45Z"],
  ])("reads GeneralizedTime %s as %s", (text, iso) => {
    expect(certificateTime(true, text, "notAfter")).toBe(iso);
  });

  it.each([
    [false, "2501021530"],
    [false, "25010215Z"],
    [false, "2501021530z"],
    [false, "x250102153045Z"],
    [false, "20250102153045Z"],
    [true, "20250102153045"],
    [true, "2025010215.Z"],
    [true, "20250102153045+1"],
    [true, ""],
  ])("refuses %s %s as malformed", (generalized, text) => {
    expect(() => certificateTime(generalized, text, "notBefore")).toThrow(
      expect.objectContaining({ code: "malformed", message: "notBefore: invalid time" }),
    );
  });
});

/** A DER length. */
function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes = Buffer.from(n.toString(16).padStart(n > 0xffff ? 6 : n > 0xff ? 4 : 2, "0"), "hex");
  return Buffer.concat([Buffer.from([0x80 | bytes.length]), bytes]);
}

function element(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), length(content.length), content]);
}

/** The certificate with its validity replaced by two UTCTime texts (the parser does not check signatures). */
function withValidity(der: Buffer, notBefore: string, notAfter: string): Buffer {
  const [tbs, algorithm, signature] = childrenOf(decodeBer(der)!);
  const fields: Buffer[] = childrenOf(tbs!).map((field) => Buffer.from(encodingOf(field)));
  const validity = element(
    0x30,
    Buffer.concat([element(0x17, Buffer.from(notBefore)), element(0x17, Buffer.from(notAfter))]),
  );
  // version [0], serialNumber, signature, issuer, then validity.
  fields[4] = validity;
  const rest = [algorithm!, signature!].map((field) => Buffer.from(encodingOf(field)));
  return element(0x30, Buffer.concat([element(0x30, Buffer.concat(fields)), ...rest]));
}

describe("a certificate with BER validity times", () => {
  let dir: string;
  let der: Buffer;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "certificate-time-"));
    const file = join(dir, "leaf.der");
    execFileSync("openssl", [
      ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"],
      ...["-keyout", join(dir, "key.pem"), "-subj", "/CN=BER times", "-days", "1", "-outform", "DER"],
      ...["-out", file],
    ]);
    der = readFileSync(file);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads a UTCTime without seconds and one with an offset as the instants they name", () => {
    const file = parseBytes(withValidity(der, "2501021530Z", "3506301200+0200"), "ber-times.der");
    expect(file.error).toBeNull();
    expect(file.certificates.map((c) => [c.subjectName, c.notBefore, c.notAfter])).toEqual([
      ["BER times", "2025-01-02T15:30:00Z", "2035-06-30T10:00:00Z"],
    ]);
  });
});
