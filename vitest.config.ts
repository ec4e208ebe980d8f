import { defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";

export default defineConfig({
  // Workspace packages resolve to their sources, so a stale dist/ is never what a test exercises. The parser is
  // the exception: its worker pool and legacy child run its built files, which `pnpm test` builds first.
  ssr: { resolve: { conditions: ["@intune-codesign/source", ...defaultServerConditions] } },
  test: {
    include: ["packages/*/src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
