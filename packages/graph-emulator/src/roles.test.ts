import { COLLECTION, createBody } from "@intune-codesign/testkit/emulator";
import { afterEach, describe, expect, it } from "vitest";
import { startEmulator } from "./emulator.js";
import type { RunningEmulator } from "./types.js";

let emulator: RunningEmulator;
afterEach(async () => {
  await emulator.close();
});

const CLIENTS = [
  { tenantId: "t", clientId: "writer", clientSecret: "w" },
  { tenantId: "t", clientId: "reader", clientSecret: "r", roles: ["DeviceManagementApps.Read.All"] },
  { tenantId: "t", clientId: "nobody", clientSecret: "n", roles: [] },
];

function send(method: string, path: string, token: string, body?: unknown): Promise<Response> {
  return fetch(`${emulator.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function tokenFromEndpoint(clientId: string, clientSecret: string): Promise<string> {
  const response = await fetch(emulator.tokenUrl, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: clientId,
      client_secret: clientSecret,
      scope: "https://graph.microsoft.com/.default",
    }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

describe("application roles", () => {
  it("lets a read-only token read, and answers its writes with Intune's 403, applying nothing", async () => {
    emulator = await startEmulator({ clients: CLIENTS });
    const [seeded] = emulator.seed([{ subject: "CN=Seeded" }]);
    const reader = await tokenFromEndpoint("reader", "r");
    expect((await send("GET", COLLECTION, reader)).status).toBe(200);
    expect((await send("GET", `${COLLECTION}/${seeded?.id}`, reader)).status).toBe(200);
    for (const [method, path, body] of [
      ["POST", COLLECTION, createBody()],
      ["PATCH", `${COLLECTION}/${seeded?.id}`, { subject: "CN=Changed" }],
      ["DELETE", `${COLLECTION}/${seeded?.id}`, undefined],
    ] as const) {
      const response = await send(method, path, reader, body);
      expect(response.status).toBe(403);
      const requestId = response.headers.get("request-id");
      const { error } = (await response.json()) as {
        error: { code: string; message: string; innerError: Record<string, string> };
      };
      expect(error.code).toBe("Forbidden");
      expect(error.innerError["request-id"]).toBe(requestId);
      expect(error.message).toMatch(/^\{\r\n {2}"_version": 3,\r\n {2}"Message": "/);
      expect(JSON.parse(error.message)).toEqual({
        _version: 3,
        Message: `Application must have one of the following scopes: DeviceManagementApps.ReadWrite.All - Operation ID (for customer support): 00000000-0000-0000-0000-000000000000 - Activity ID: ${requestId} - Url: ${emulator.rootUrl}/beta${path}`,
        CustomApiErrorPhrase: "",
        RetryAfter: null,
        ErrorSourceService: "",
        HttpHeaders: "{}",
      });
    }
    expect(emulator.objects()).toEqual([seeded]);
  });

  it("lets a client without roles do nothing, and one configured without `roles` write", async () => {
    emulator = await startEmulator({ clients: CLIENTS });
    const nobody = emulator.issueToken({ clientId: "nobody" });
    const read = await send("GET", COLLECTION, nobody);
    expect(read.status).toBe(403);
    const { error } = (await read.json()) as { error: { message: string } };
    expect((JSON.parse(error.message) as { Message: string }).Message).toMatch(
      /^Application must have one of the following scopes: DeviceManagementApps.Read.All, DeviceManagementApps.ReadWrite.All - /,
    );
    const writer = await tokenFromEndpoint("writer", "w");
    expect((await send("POST", COLLECTION, writer, createBody())).status).toBe(201);
    expect((await send("POST", COLLECTION, emulator.issueToken(), createBody())).status).toBe(201);
  });
});
