// Health in the running app: real provider calls (SendGrid, against the fake) fill the activity
// log, the health-check cron stores snapshots, the rate limit refuses a call before it leaves,
// and the health page draws its charts from it all in the browser — then the integration card
// shows the same verdict and limits, and the activity log is one click away. It runs in a
// workspace of its own, so its calls and rate-limit use touch no other spec.
import path from "node:path";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { CRON_SECRET, ROOT } from "@/tests/e2e/env";
import { apiClients, runCli, type ApiClients } from "@/tests/e2e/helpers";

const OWNER = { email: "health-admin@plugboard.test", password: "health admin password for e2e" };
const READER = { email: "health-viewer@plugboard.test", password: "health viewer password for e2e" };
const WORKSPACE = "Health Workspace";
const SENDGRID = { apiKey: "SG.PlugboardValid000000001.FakeSecretForTestsOnly0000000000000000000001", fromEmail: "ops@plugboard.test" };
const SENDGRID_WRONG = "SG.PlugboardWrongKey0000001.FakeSecretForTestsOnly0000000000000000000009";

let clients: ApiClients | undefined;
let admin: APIRequestContext;
let viewer: APIRequestContext;
let anonymous: APIRequestContext;

test.beforeAll(async () => {
  runCli("scripts/admin-create.ts", ["--email", OWNER.email, "--password", OWNER.password, "--workspace", WORKSPACE]);
  runCli("scripts/admin-create.ts", ["--email", READER.email, "--password", READER.password, "--role", "viewer", "--workspace", WORKSPACE]);
  clients = await apiClients({ admin: OWNER, viewer: READER });
  ({ admin, viewer, anonymous } = clients);
});
test.afterAll(async () => clients?.dispose());

async function signIn(page: Page) {
  await page.goto("/health");
  await expect(page).toHaveURL(/\/login/);
  await page.getByLabel("Email").fill(OWNER.email);
  await page.getByLabel("Password").fill(OWNER.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/health/);
}

test("activity, a health check and the rate limit, through the API", async () => {
  expect((await admin.post("/api/integrations/sendgrid/connect", { data: { fields: SENDGRID } })).status()).toBe(200);
  // Two keys SendGrid refuses: failed calls in the log (nothing is saved).
  for (let i = 0; i < 2; i++) {
    expect((await admin.post("/api/integrations/sendgrid/connect", { data: { fields: { ...SENDGRID, apiKey: SENDGRID_WRONG } } })).status()).toBe(422);
  }
  // Tests until the rate limit (10 connection tests a day in this server's RATE_LIMITS) refuses one.
  let refused: { ok: boolean; category?: string; attempts: number; message: string } | undefined;
  for (let i = 0; i < 25 && !refused; i++) {
    const result = await (await admin.post("/api/integrations/sendgrid/test")).json();
    if (!result.ok) refused = result;
    else expect(result.message).toMatch(/Connected/);
  }
  expect(refused).toMatchObject({ ok: false, category: "rate_limit", attempts: 0 });
  expect(refused!.message).toMatch(/Rate limit for SendGrid connection\.test reached \(10 calls per 24 hours\)/);

  // The cron run (every workspace): a snapshot of each connection; SendGrid stays healthy, since
  // the refused tests never reached it.
  expect((await anonymous.get("/api/cron/health-check")).status()).toBe(401);
  const cron = await anonymous.get("/api/cron/health-check", { headers: { authorization: `Bearer ${CRON_SECRET}` } });
  expect(cron.status()).toBe(200);
  expect((await cron.json()).healthy).toBeGreaterThanOrEqual(1);
  // The same run from the command line, as a second process on the app's embedded database.
  expect(JSON.parse(runCli("jobs/run.ts", ["health-check"])).connections).toBeGreaterThanOrEqual(1);

  // Integration health needs a session (only /api/health itself is public); viewers may read it.
  expect((await anonymous.get("/api/health/integrations")).status()).toBe(401);
  expect((await anonymous.get("/api/health")).status()).toBe(200);
  const overview = await viewer.get("/api/health/integrations");
  expect(overview.status()).toBe(200);
  const body = await overview.json();
  expect(body.integrations.sendgrid).toMatchObject({ status: "healthy", reasons: [], failures: 0, lastCheck: { status: "healthy" } });
  expect(body.integrations.sendgrid.rateLimited).toBeGreaterThanOrEqual(1);
  expect(body.rateLimits.sendgrid).toMatchObject({
    perConnection: null,
    operations: [{ operation: "connection.test", limit: { text: "10 calls per 24 hours" } }],
    overridden: true,
  });
  expect(Object.keys(body.integrations)).toEqual(["sendgrid"]);
  expect(JSON.stringify(body)).not.toContain("PlugboardValid");

  const bad = await viewer.get("/api/health/integrations?windowMinutes=2");
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error).toMatch(/windowMinutes is at least 5/);
  expect((await viewer.get("/api/health/integrations/history?hours=0")).status()).toBe(400);
  const history = await (await viewer.get("/api/health/integrations/history")).json();
  expect(history.hours).toHaveLength(24);
  expect(history.series.find((s: { providerId: string }) => s.providerId === "sendgrid")).toBeTruthy();
});

test("the health page draws its charts from the activity, and the card agrees", async ({ page }) => {
  await signIn(page);
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Health", exact: true })).toHaveAttribute("aria-current", "page");

  const card = page.getByTestId("health-card-sendgrid");
  await expect(card.getByTestId("health-status-sendgrid")).toHaveText("Healthy");
  await expect(card).toContainText("Last check:");
  await expect(card).not.toContainText("not yet");
  await expect(card.getByTestId("rate-limit-sendgrid")).toHaveText("Rate limit: connection.test: 10 calls per 24 hours");

  // Each chart is an SVG drawn with data: lines with a path, bars with height.
  for (const id of ["error-rate", "latency", "calls"]) {
    await expect(page.getByTestId(`chart-${id}`).locator("svg.recharts-surface").first()).toBeVisible();
  }
  const errorLine = page.getByTestId("chart-error-rate").locator("path.recharts-line-curve").first();
  await expect(errorLine).toHaveAttribute("d", /^M[\d.]+,[\d.]+/);
  await expect(page.getByTestId("chart-error-rate").locator(".recharts-legend-item")).toContainText(["SendGrid"]);
  await expect(page.getByTestId("chart-latency").locator("path.recharts-line-curve")).not.toHaveCount(0);
  const bars = page.getByTestId("chart-calls").locator(".recharts-bar-rectangle path");
  await expect(bars).not.toHaveCount(0);
  const heights = await bars.evaluateAll((paths) => paths.map((p) => (p as SVGGraphicsElement).getBBox().height));
  expect(heights.some((h) => h > 0)).toBe(true);
  // Succeeded, failed and refused calls all appear as bar series.
  const legend = await page.getByTestId("chart-calls").locator(".recharts-legend-item").allTextContents();
  expect(legend.sort()).toEqual(["Failed", "Refused (circuit open or rate limit)", "Succeeded"]);
  const series = page.getByTestId("chart-calls").locator(".recharts-bar");
  for (let i = 0; i < 3; i++) await expect(series.nth(i).locator(".recharts-bar-rectangle path")).not.toHaveCount(0);

  await page.setViewportSize({ width: 1360, height: 1400 });
  await page.screenshot({ path: path.join(ROOT, "test-results/health.png"), animations: "disabled", fullPage: true });

  // The activity log, filtered to the integration, one click away.
  await card.getByTestId("health-activity-sendgrid").click();
  await expect(page).toHaveURL(/\/activity\?providerId=sendgrid/);
  await expect(page.getByTestId("activity-table")).toContainText("connection.test");

  // The integrations page shows the same verdict and the limits in force on the card.
  await page.goto("/integrations");
  const integration = page.getByTestId("integration-card-sendgrid");
  await expect(integration.getByTestId("integration-health-sendgrid")).toContainText("Healthy");
  await expect(integration.getByTestId("rate-limit-sendgrid")).toContainText("Rate limit: connection.test: 10 calls per 24 hours");
  await expect(page.getByTestId("integration-card-stripe").getByTestId("rate-limit-stripe")).toContainText("25 calls per second");
  await integration.screenshot({ path: path.join(ROOT, "test-results/health-card.png"), animations: "disabled" });
});
