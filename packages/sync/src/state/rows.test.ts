import { describe, expect, it } from "vitest";
import { sentFields } from "./rows.js";
import { StateStoreError } from "./state-path.js";

const FIELDS = {
  status: "provisioned",
  subjectName: "Contoso",
  subject: "CN=Contoso",
  issuerName: "Root",
  issuer: "CN=Root",
  expirationDateTime: "2027-01-01T00:00:00Z",
};

describe("sentFields: the fields a write sent, read back from the store", () => {
  it("reads the fields serializeFields wrote", () => {
    expect(sentFields(JSON.stringify(FIELDS))).toEqual(FIELDS);
  });

  it("damaged JSON, a missing field or an unknown status is a StateStoreError that names the problem", () => {
    expect(() => sentFields('{"status":')).toThrow(
      new StateStoreError("the state store has a certificates row whose sent fields are not JSON"),
    );
    expect(() => sentFields(JSON.stringify({ ...FIELDS, subject: undefined }))).toThrow(
      /malformed sent fields: .*subject/,
    );
    expect(() => sentFields(JSON.stringify({ ...FIELDS, status: "revoked" }))).toThrow(StateStoreError);
  });
});
