import { AuthError, GraphError, NetworkError } from "@intune-codesign/uploader";
import { describe, expect, it } from "vitest";
import { describeFailure, type Failure } from "./failure.js";

const graph = (status: number, requestId: string | null = "req-1", attempts = 2) =>
  new GraphError({ status, code: "SomeCode", message: "it failed", requestId, attempts });

describe("describeFailure", () => {
  it.each<[string, unknown, boolean, Failure]>([
    [
      "Graph 404",
      graph(404),
      false,
      {
        code: "not_found",
        message: "HTTP 404 SomeCode: it failed (request-id req-1)",
        attempts: 2,
        auth: false,
        unreachable: false,
      },
    ],
    [
      "Graph 401",
      graph(401),
      false,
      {
        code: "auth_failed",
        message: "HTTP 401 SomeCode: it failed (request-id req-1)",
        attempts: 2,
        auth: true,
        unreachable: false,
      },
    ],
    [
      "Graph 403 without a request-id",
      graph(403, null, 1),
      false,
      {
        code: "auth_failed",
        message: "HTTP 403 SomeCode: it failed",
        attempts: 1,
        auth: true,
        unreachable: false,
      },
    ],
    [
      "Graph 500, even when interrupted",
      graph(500, "req-9", 7),
      true,
      {
        code: "graph_error",
        message: "HTTP 500 SomeCode: it failed (request-id req-9)",
        attempts: 7,
        auth: false,
        unreachable: false,
      },
    ],
    [
      "AuthError",
      new AuthError("token endpoint said no"),
      false,
      { code: "auth_failed", message: "token endpoint said no", attempts: 1, auth: true, unreachable: false },
    ],
    [
      "NetworkError",
      Object.assign(new NetworkError({ kind: "reset", code: "ECONNRESET", host: "h", proxy: null }), {
        attempts: 4,
      }),
      false,
      {
        code: "network_error",
        message: "could not reach h: the connection was reset (ECONNRESET)",
        attempts: 4,
        auth: false,
        unreachable: true,
      },
    ],
    [
      "NetworkError while interrupted",
      Object.assign(new NetworkError({ kind: "other", code: "ABORT_ERR", host: "h", proxy: null }), {
        attempts: 2,
      }),
      true,
      {
        code: "interrupted",
        message: "the run was interrupted before this request finished",
        attempts: 2,
        auth: false,
        unreachable: false,
      },
    ],
    [
      "any other error",
      new TypeError("x is undefined"),
      false,
      { code: "internal_error", message: "x is undefined", attempts: 1, auth: false, unreachable: false },
    ],
    [
      "a thrown string",
      "weird",
      false,
      { code: "internal_error", message: "weird", attempts: 1, auth: false, unreachable: false },
    ],
  ])("%s", (_name, error, interrupted, expected) => {
    expect(describeFailure(error, interrupted)).toEqual(expected);
  });
});
