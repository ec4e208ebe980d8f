import { describe, expect, it } from "vitest";
import { nameKey, parseName, sameName } from "./names.js";

describe("sameName: names compared as names", () => {
  it.each([
    ["identical", "CN=A, O=B, C=US", "CN=A, O=B, C=US"],
    ["RFC 4514 spacing", "CN=A, O=B, C=US", "CN=A,O=B,C=US"],
    ["reversed order (RFC 4514 vs encoded order)", "CN=A, O=B, C=US", "C=US, O=B, CN=A"],
    ["types case-insensitive", "CN=A, O=B", "cn=A, o=B"],
    ["S and ST are one", "CN=A, S=Washington, C=US", "CN=A, ST=Washington, C=US"],
    ["E, EMAIL and emailAddress are one", "E=a@b.example, CN=A", "emailAddress=a@b.example, CN=A"],
    [
      "OID. prefix and bare OID",
      "OID.2.5.4.15=Private Organization, CN=A",
      "2.5.4.15=Private Organization, CN=A",
    ],
    ["SERIALNUMBER and its OID", "SERIALNUMBER=123, CN=A", "2.5.4.5=123, CN=A"],
    ["G, GN and givenName", "G=Ann, CN=A", "givenName=Ann, CN=A"],
    ["Windows quotes vs RFC 4514 escapes", 'CN=A, O="Contoso, Ltd"', "CN=A, O=Contoso\\, Ltd"],
    ["doubled quote vs escaped quote", 'CN="Fabrikam ""Beta"" Signing"', 'CN=Fabrikam \\"Beta\\" Signing'],
    ["quoted spaces vs escaped spaces", 'L=" Zurich ", CN=A', "L=\\ Zurich\\ , CN=A"],
    ["hex escapes are UTF-8 bytes", "CN=Zoë", "CN=Zo\\c3\\ab"],
    ["escaped special characters", 'CN="Team #7; Signing"', "CN=Team #7\\; Signing"],
    ["leading # escaped vs quoted", 'CN="#1 Signer"', "CN=\\#1 Signer"],
    ["non-string value: quoted vs bare hex, any case", 'OID.1.2.3="#0101FF", CN=A', "1.2.3=#0101ff, CN=A"],
    ["multi-valued RDN in any attribute order", "CN=A + E=a@b.example, O=B", "E=a@b.example+CN=A, O=B"],
    ["white space folded (RFC 4518)", "CN=Contoso  Code\tSigning", "CN=Contoso Code Signing"],
    ["NFKC compatibility forms", "CN=ﬁle", "CN=file"],
    ["semicolon separator", "CN=A; O=B", "CN=A, O=B"],
  ])("%s", (_case, a, b) => {
    expect(sameName(a, b)).toBe(true);
    expect(nameKey(a)).toBe(nameKey(b));
  });

  it.each([
    ["another value", "CN=A, O=B", "CN=A, O=C"],
    ["values keep their case", "CN=Alpha", "CN=alpha"],
    ["another type", "CN=A, O=B", "CN=A, OU=B"],
    ["an RDN more", "CN=A, O=B", "CN=A, O=B, C=US"],
    ["attributes of one RDN are not two RDNs", "CN=A + O=B", "CN=A, O=B"],
    ["another order that is not a reversal", "CN=A, O=B, C=US", "O=B, CN=A, C=US"],
    ["an escaped comma is not a separator", "CN=A\\, O=B", "CN=A, O=B"],
    ["a string that is not a name equals only itself", "not a name", "not  a name"],
  ])("%s differs", (_case, a, b) => {
    expect(sameName(a, b)).toBe(false);
  });

  it("null equals only null", () => {
    expect(sameName(null, null)).toBe(true);
    expect(sameName(null, "CN=A")).toBe(false);
  });
});

describe("parseName", () => {
  it.each([
    ["CN=A, O=B", [[["2.5.4.3", "A"]], [["2.5.4.10", "B"]]]],
    [
      'CN="a ""b"" c" + E=x@y',
      [
        [
          ["1.2.840.113549.1.9.1", "x@y"],
          ["2.5.4.3", 'a "b" c'],
        ],
      ],
    ],
    ['OU=""', [[["2.5.4.11", ""]]]],
    ["CN=back\\\\slash", [[["2.5.4.3", "back\\slash"]]]],
  ])("%s", (text, rdns) => {
    expect(parseName(text)).toEqual(rdns);
  });

  it.each([
    ["empty", ""],
    ["no equals sign", "Alpha Signing"],
    ["unknown key", "XYZ=1"],
    ["unterminated quote", 'CN="abc'],
    ["text after a quoted value", 'CN="a"b'],
    ["dangling backslash", "CN=a\\"],
  ])("%s is no name", (_case, text) => {
    expect(parseName(text)).toBeNull();
  });
});
