// The Jobs page in a real browser against the production server (started with SCHEDULER=off): the
// notice says an outside scheduler must call the cron routes, and Run now on `prune` runs it — the
// button spins while it runs, then its last run reads Succeeded with the figures it reported.
// In a workspace of its own.
import { expect, test } from "@playwright/test";
import { runCli, signInPage } from "@/tests/e2e/helpers";

const OWNER = { email: "jobs-admin@plugboard.test", password: "jobs admin password for e2e" };

test.beforeAll(() => {
  // Again after a failed test (Playwright then starts a new worker): the account is there already.
  try {
    runCli("scripts/admin-create.ts", ["--email", OWNER.email, "--password", OWNER.password, "--workspace", "Jobs Workspace"]);
  } catch (error) {
    if (!String((error as { stderr?: unknown }).stderr ?? error).includes("already exists")) throw error;
  }
});

test("the Jobs page says who runs the schedules and runs prune now", async ({ page }) => {
  await signInPage(page, OWNER.email, OWNER.password, "/jobs");
  const notice = page.getByTestId("jobs-scheduler-notice");
  await expect(notice).toContainText("This server does not run the schedules");
  await expect(notice).toContainText("SCHEDULER=off");

  // With SCHEDULER=off nothing ran on its own schedule, although the server has been up for minutes
  // and deliver-webhooks is due every minute (runs from the cron routes other specs call are fine).
  const overview = (await (await page.request.get("/api/jobs")).json()) as { jobs: { name: string; recentRuns: { trigger: string }[] }[] };
  expect(overview.jobs.flatMap((j) => j.recentRuns.filter((r) => r.trigger === "scheduler" || r.trigger === "catch-up").map(() => j.name))).toEqual([]);

  const prune = page.getByTestId("job-prune");
  await expect(prune).toContainText("daily at 03:17 UTC");
  // Another test run may have left a run of prune: wait for a new one, told by its id.
  const lastRunId = async () =>
    ((await (await page.request.get("/api/jobs")).json()) as { jobs: { name: string; lastRun: { id: string } | null }[] }).jobs.find((j) => j.name === "prune")!.lastRun?.id ??
    null;
  const before = await lastRunId();

  await page.getByTestId("job-run-now-prune").click();
  await expect.poll(lastRunId, { timeout: 30_000 }).not.toBe(before);
  await expect(page.getByTestId("job-last-status-prune")).toHaveText("Succeeded", { timeout: 30_000 });
  await expect(page.getByTestId("job-figures-prune")).toContainText("activityDeleted:");
  await expect(page.getByTestId("job-run-now-prune")).toBeEnabled();
  await expect(page.getByTestId("job-run-now-prune")).toHaveText("Run now");
});
