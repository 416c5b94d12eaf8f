import { defineConfig } from "@playwright/test";
import { BASE_URL } from "./tests/e2e/env";

// Debian's Chromium (no browser download); flags keep it off the network.
const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export default defineConfig({
  testDir: "tests/e2e",
  outputDir: "test-results/playwright",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [["list"], ["json", { outputFile: "test-results/playwright.json" }]],
  use: {
    baseURL: BASE_URL,
    browserName: "chromium",
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: chromiumArgs },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    { name: "setup", testMatch: /first-run\.spec\.ts/ },
    { name: "api", testMatch: /api\.spec\.ts/, dependencies: ["setup"] },
    { name: "browser", testMatch: /(dashboard|inbound-webhooks)\.spec\.ts/, dependencies: ["api"] },
    // After the dashboard test, whose counts assume only Stripe gets connected.
    { name: "odoo-email", testMatch: /odoo-email\.spec\.ts/, dependencies: ["browser"] },
    { name: "health", testMatch: /health\.spec\.ts/, dependencies: ["odoo-email"] },
    { name: "oauth", testMatch: /oauth\.spec\.ts/, dependencies: ["health"] },
    // In a workspace of its own (a long name, no leads).
    { name: "navigation", testMatch: /navigation\.spec\.ts/, dependencies: ["oauth"] },
    // File storage against the fake S3, in a workspace of its own.
    { name: "storage", testMatch: /storage\.spec\.ts/, dependencies: ["navigation"] },
    // The Jobs page: Run now on a real job, as an admin of a workspace of its own.
    { name: "jobs", testMatch: /jobs\.spec\.ts/, dependencies: ["storage"] },
    // Last: hostile input to every route, as an admin of a workspace of its own.
    { name: "hostile-input", testMatch: /hostile-input\.spec\.ts/, dependencies: ["jobs"] },
  ],
  webServer: {
    command: "node_modules/.bin/tsx tests/e2e/server.ts",
    url: `${BASE_URL}/api/health`,
    timeout: 240_000,
    reuseExistingServer: false,
    stdout: "ignore",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
  },
});
