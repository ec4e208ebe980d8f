import { describe, expect, it } from "vitest";
import { parseBytes } from "./parse-bytes.js";
import { findPemBlocks } from "./pem.js";

describe("findPemBlocks", () => {
  it("pairs each BEGIN with its END; a BEGIN before the END leaves the open block unterminated", () => {
    const text = [
      "-----BEGIN CERTIFICATE-----",
      "AAAA",
      "-----BEGIN PKCS7-----",
      "BB BB",
      "-----END CERTIFICATE-----",
      "CCCC",
      "-----END PKCS7-----",
      "-----BEGIN lower-----",
      "-----BEGIN CERTIFICATE-----",
      "Proc-Type: 4,ENCRYPTED",
      "",
      "DDDD",
      "-----END CERTIFICATE-----",
      "-----BEGIN CERTIFICATE-----",
      "EEEE",
    ].join("\n");
    expect(findPemBlocks(text)).toEqual([
      { label: "CERTIFICATE", base64: null },
      { label: "PKCS7", base64: "BBBB-----ENDCERTIFICATE-----CCCC" },
      { label: "CERTIFICATE", base64: "DDDD" },
      { label: "CERTIFICATE", base64: null },
    ]);
  });

  // Issue 17 row 5: the scan was quadratic, about 2 minutes for this file.
  it("reads 10 MB of BEGIN lines in under a second of CPU time, naming the first broken block", () => {
    const line = "-----BEGIN CERTIFICATE-----\n";
    const bytes = Buffer.from(line.repeat(Math.floor((10 * 1024 * 1024) / line.length)), "latin1");
    const started = process.cpuUsage();
    const file = parseBytes(bytes, "hostile.pem");
    const used = process.cpuUsage(started);
    expect(file.error).toEqual({
      code: "malformed",
      message: "PEM block 1 (CERTIFICATE) has no END line (and 374490 more broken blocks)",
    });
    expect((used.user + used.system) / 1000).toBeLessThan(1000);
  });
});
