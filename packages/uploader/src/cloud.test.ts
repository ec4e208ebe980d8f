import { describe, expect, it } from "vitest";
import { type CloudName, cloudEndpoints, validateGraphUrl } from "./cloud.js";
import { ConfigError } from "./config-error.js";

describe("cloudEndpoints", () => {
  it.each([
    ["global", "https://graph.microsoft.com", "https://login.microsoftonline.com"],
    ["usgov", "https://graph.microsoft.us", "https://login.microsoftonline.us"],
    ["usgovdod", "https://dod-graph.microsoft.us", "https://login.microsoftonline.us"],
    ["china", "https://microsoftgraph.chinacloudapi.cn", "https://login.chinacloudapi.cn"],
  ] as const)("%s", (cloud, graph, authorityHost) => {
    expect(cloudEndpoints(cloud)).toEqual({
      graphUrl: `${graph}/beta`,
      authorityHost,
      scope: `${graph}/.default`,
    });
  });
  it.each(["germany", "toString", ""])("rejects %j", (cloud) => {
    expect(() => cloudEndpoints(cloud as CloudName)).toThrow(ConfigError);
  });
});

describe("validateGraphUrl", () => {
  it.each([
    "https://graph.microsoft.com/beta",
    "https://graph.example.test:8443/v1.0",
    "http://127.0.0.1:4010/beta",
    "http://127.8.9.10/beta",
    "http://localhost:3000/beta",
    "http://LOCALHOST/beta",
    "http://[::1]:3000/beta",
  ])("accepts %s", (url) => {
    expect(validateGraphUrl(url).href).toBe(new URL(url).href);
  });
  it.each([
    "http://graph.microsoft.com/beta",
    "http://10.0.0.1/beta",
    "http://128.0.0.1/beta",
    "http://127.0.0.1.evil.test/beta",
    "http://localhost.evil.test/beta",
    "http://[::2]/beta",
    "ftp://127.0.0.1/beta",
    "https://user:pw@graph.microsoft.com/beta",
    "graph.microsoft.com/beta",
    "",
  ])("refuses %s", (url) => {
    expect(() => validateGraphUrl(url)).toThrow(ConfigError);
  });
});
