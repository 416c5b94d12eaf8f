import path from "node:path";
import { defineConfig } from "vitest/config";

const alias = { "@": path.resolve(import.meta.dirname) };
const testEnv = {
  NODE_ENV: "test" as const,
  NO_PROXY: "127.0.0.1,localhost",
  no_proxy: "127.0.0.1,localhost",
  LOG_LEVEL: "error",
  // A fixed test key; production keys come from the environment.
  TOKEN_ENCRYPTION_KEY: "q7ZkR8m0yJYH3o8m9k7n2Vt1vH3Yx0rGm6r5yq7c1fE=",
  NEXTAUTH_SECRET: "test-nextauth-secret-of-enough-length",
  CRON_SECRET: "test-cron-secret",
  // The fake providers listen on loopback: allowed, as a self-hoster allows a LAN Odoo. Tests of
  // the address rules pass their own policy.
  WEBHOOK_ALLOW_HTTP_HOSTS: "127.0.0.1,localhost",
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: "127.0.0.1",
};

// Integration tests run twice: on a PostgreSQL server and on the embedded default (PGlite).
export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      { resolve: { alias }, test: { name: "unit", include: ["tests/unit/**/*.test.ts"], env: testEnv } },
      {
        resolve: { alias },
        test: { name: "postgres", include: ["tests/integration/**/*.test.ts"], env: { ...testEnv, TEST_DB: "postgres" }, testTimeout: 30_000, hookTimeout: 60_000 },
      },
      {
        resolve: { alias },
        test: { name: "pglite", include: ["tests/integration/**/*.test.ts"], env: { ...testEnv, TEST_DB: "pglite" }, testTimeout: 30_000, hookTimeout: 60_000 },
      },
    ],
  },
});
