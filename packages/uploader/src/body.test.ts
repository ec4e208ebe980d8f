import { makeCertificateInfo } from "@intune-codesign/testkit/certificates";
import { describe, expect, it } from "vitest";
import { buildBody } from "./body.js";

const NOW = new Date("2026-03-01T12:34:56.789Z");

describe("buildBody", () => {
  it("has exactly the nine keys, in order, with the DER as standard base64", async () => {
    const cert = await makeCertificateInfo("Contoso Signing", "2027-11-29T22:38:25Z");
    const body = buildBody(cert, { now: NOW });
    expect(Object.keys(body)).toEqual([
      "@odata.type",
      "content",
      "status",
      "subjectName",
      "subject",
      "issuerName",
      "issuer",
      "expirationDateTime",
      "uploadDateTime",
    ]);
    expect(body).toEqual({
      "@odata.type": "#microsoft.graph.enterpriseCodeSigningCertificate",
      content: Buffer.from(cert.der).toString("base64"),
      status: "provisioned",
      subjectName: "Contoso Signing",
      subject: "CN=Contoso Signing, O=Contoso Test",
      issuerName: "Contoso Signing",
      issuer: "CN=Contoso Signing, O=Contoso Test",
      expirationDateTime: "2027-11-29T22:38:25Z",
      uploadDateTime: "2026-03-01T12:34:56.789Z",
    });
    expect(Buffer.from(body.content, "base64").equals(Buffer.from(cert.der))).toBe(true);
  });

  it("encodes only the view's bytes when the DER is a slice of a larger buffer", async () => {
    const cert = await makeCertificateInfo("Sliced");
    const backing = new Uint8Array(cert.der.length + 8);
    backing.set(cert.der, 4);
    const body = buildBody({ ...cert, der: backing.subarray(4, 4 + cert.der.length) }, { now: NOW });
    expect(body.content).toBe(Buffer.from(cert.der).toString("base64"));
  });

  it("takes a status override and full DN names", async () => {
    const cert = await makeCertificateInfo("Full Names");
    const body = buildBody(cert, { status: "notProvisioned", fullDnNames: true, now: NOW });
    expect([body.status, body.subjectName, body.issuerName]).toEqual([
      "notProvisioned",
      "CN=Full Names, O=Contoso Test",
      "CN=Full Names, O=Contoso Test",
    ]);
  });

  it("stamps the upload time as now by default", async () => {
    const before = Date.now();
    const body = buildBody(await makeCertificateInfo("Now"));
    const stamped = Date.parse(body.uploadDateTime);
    expect(body.uploadDateTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(stamped >= before && stamped <= Date.now()).toBe(true);
  });
});
