import { describe, expect, it } from "vitest";
import { missingPermissions } from "./permission-error.js";

const INTUNE_403 = JSON.stringify({
  _version: 3,
  Message:
    "Application must have one of the following scopes: DeviceManagementApps.ReadWrite.All - Operation ID (for customer support): 00000000-0000-0000-0000-000000000000 - Activity ID: 1 - Url: https://fef.example/x",
  CustomApiErrorPhrase: "",
  RetryAfter: null,
});

describe("missingPermissions", () => {
  it.each<[string, string, string[] | undefined]>([
    ["Intune's JSON inside the message", INTUNE_403, ["DeviceManagementApps.ReadWrite.All"]],
    [
      "several, as plain text",
      "Application must have one of the following scopes: DeviceManagementApps.ReadWrite.All, DeviceManagementConfiguration.ReadWrite.All - Operation ID: x",
      ["DeviceManagementApps.ReadWrite.All", "DeviceManagementConfiguration.ReadWrite.All"],
    ],
    [
      "lower-case message key",
      JSON.stringify({
        message: "Application must have one of the following scopes: DeviceManagementApps.ReadWrite.All",
      }),
      ["DeviceManagementApps.ReadWrite.All"],
    ],
    [
      "a 401's wrapped Forbidden without a scope",
      JSON.stringify({ _version: 3, Message: "Forbidden" }),
      undefined,
    ],
    ["plain Graph text", "Insufficient privileges to complete the operation.", undefined],
    ["JSON that is not Intune's", "{not json", undefined],
  ])("%s", (_, message, expected) => {
    expect(missingPermissions(message)).toEqual(expected);
  });
});
