import { describe, expect, it } from "vitest";
import { instantKey, matchesCertificate, type RemoteCertificate, toRemoteCertificate } from "./remote.js";

describe("instantKey equality: the same instant, whatever the offset and digits", () => {
  it.each([
    ["2027-11-29T22:38:25Z", "2027-11-29T22:38:25Z", true],
    ["2027-11-29T22:38:25Z", "2027-11-29T22:38:25.0000000Z", true],
    ["2027-11-29T22:38:25Z", "2027-11-29T14:38:25-08:00", true],
    ["2027-11-29T22:38:25Z", "2027-11-30T00:08:25+01:30", true],
    ["2016-12-31T23:57:57.2481234-08:00", "2017-01-01T07:57:57.2481234Z", true],
    ["2016-12-31T23:57:57.2481234-08:00", "2017-01-01T07:57:57.2481235Z", false],
    ["2027-11-29T22:38:25.1Z", "2027-11-29T22:38:25.1000000Z", true],
    ["2027-11-29T22:38:25Z", "2027-11-29T22:38:26Z", false],
    ["2027-11-29T22:38:25Z", "2027-11-29t22:38:25z", true],
    ["2027-11-29T22:38:25Z", "not a date", false],
    ["2027-11-29T22:38:25", "2027-11-29T22:38:25.0Z", false],
    ["not a date", "not a date", true],
    [null, null, true],
    [null, "2027-11-29T22:38:25Z", false],
    ["2027-11-29T22:38:25Z", null, false],
  ])("%s vs %s -> %s", (a, b, expected) => {
    expect(instantKey(a) === instantKey(b)).toBe(expected);
  });
});

describe("matchesCertificate", () => {
  const remote: RemoteCertificate = {
    id: "1",
    status: "provisioned",
    subjectName: "Contoso Signing",
    subject: "CN=Contoso Signing, O=Contoso",
    issuerName: "Contoso CA",
    issuer: "CN=Contoso CA, O=Contoso",
    expirationDateTime: "2027-11-29T14:38:25.0000000-08:00",
    uploadDateTime: "2026-01-01T00:00:00Z",
    content: null,
  };
  const body = {
    subject: "CN=Contoso Signing, O=Contoso",
    issuer: "CN=Contoso CA, O=Contoso",
    expirationDateTime: "2027-11-29T22:38:25Z",
  };

  it("matches on subject, issuer and the expiry instant", () => {
    expect(matchesCertificate(remote, body)).toBe(true);
  });
  it.each([
    ["subject", { ...body, subject: "CN=Other, O=Contoso" }],
    ["issuer", { ...body, issuer: "CN=Other CA" }],
    ["expiry", { ...body, expirationDateTime: "2027-11-29T22:38:26Z" }],
  ])("differs by %s", (_, other) => {
    expect(matchesCertificate(remote, other)).toBe(false);
  });
  it("a remote with null fields never matches", () => {
    expect(matchesCertificate({ ...remote, subject: null }, body)).toBe(false);
  });
});

describe("toRemoteCertificate", () => {
  it("keeps the nine fields and nulls what is missing or not a string", () => {
    expect(toRemoteCertificate({ id: "a", status: "notProvisioned", subject: 5, extra: true })).toEqual({
      id: "a",
      status: "notProvisioned",
      subjectName: null,
      subject: null,
      issuerName: null,
      issuer: null,
      expirationDateTime: null,
      uploadDateTime: null,
      content: null,
    });
  });
  it.each([null, "x", {}, { id: 3 }])("rejects %j", (value) => {
    expect(toRemoteCertificate(value)).toBeNull();
  });
});

describe("instantKey", () => {
  it("is equal for equal instants, whatever the offset and digits; a non-date keeps its text; null stays null", () => {
    expect([
      instantKey("2027-11-29T22:38:25Z"),
      instantKey("2027-11-30T00:38:25.0000000+02:00"),
      instantKey("2027-11-29T22:38:25.0000001Z"),
      instantKey("not a date"),
      instantKey(null),
    ]).toEqual(["1827527905.0", "1827527905.0", "1827527905.1", "!not a date", null]);
  });
});
