// The Jobs page's API on a migrated database: the overview of every job (last run, next slot,
// failures in a row), Run now (202, then the run is recorded as manual once the after-response
// work has finished; 409 while one runs; 404 for an unknown name; 403 for a viewer), and the alert
// a job sends at its second failure in a row — once per streak.
import { inNextRequest } from "@/tests/helpers/next-request";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { TemplateEmail } from "@/lib/email";
import type { Job } from "@/lib/jobs/registry";
import { runJob } from "@/lib/jobs/runs";
import { createTestDatabase, truncateAll, type TestDatabase } from "@/tests/helpers/db";
import { createUser, createWorkspace } from "@/tests/helpers/factories";
import { auth } from "@/tests/helpers/fake-session";

vi.mock("@/lib/auth/session", () => import("@/tests/helpers/fake-session"));

const listRoute = await import("@/app/api/jobs/route");
const runRoute = await import("@/app/api/jobs/[name]/run/route");

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t?.close());
beforeEach(async () => {
  await truncateAll(t.db);
  const ws = await createWorkspace(t.db);
  auth.user = { userId: "u1", email: "admin@example.test", workspaceId: ws.id, role: "admin" };
});

interface RunView {
  id: string;
  trigger: string;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  figures: Record<string, number | boolean>;
  error: string | null;
}
interface JobView {
  name: string;
  scheduleInWords: string;
  cronPath: string;
  nextRun: string;
  lastRun: RunView | null;
  running: boolean;
  consecutiveFailures: number;
  recentRuns: RunView[];
}

async function overview(): Promise<{ scheduler: { enabled: boolean; mode: string }; jobs: JobView[] }> {
  const response = await listRoute.GET(new Request("http://localhost/api/jobs"), { params: Promise.resolve({}) });
  expect(response.status).toBe(200);
  return response.json();
}

const post = (name: string) => inNextRequest(() => runRoute.POST(new Request(`http://localhost/api/jobs/${name}/run`, { method: "POST" }), { params: Promise.resolve({ name }) }));

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

describe("GET /api/jobs", () => {
  it("shows each job's last run, next slot and failures since the last success", async () => {
    const run = (m: number, status: "succeeded" | "failed", extra: object = {}) => ({
      job: "prune",
      trigger: "scheduler",
      status,
      instance: "test",
      leaseUntil: minutesAgo(m - 1),
      startedAt: minutesAgo(m),
      finishedAt: minutesAgo(m - 1),
      durationMs: 60_000,
      ...extra,
    });
    await t.db.jobRun.createMany({
      data: [
        run(40, "failed", { error: "old failure" }),
        run(30, "succeeded", { report: { activityDeleted: 3, dryRun: false, ranAt: "2027-01-01", nested: { a: 1 }, failures: [{ email: "someone@other-workspace.test" }] } }),
        run(20, "failed", { error: "first" }),
        run(10, "failed", { error: "disk full" }),
      ],
    });
    const body = await overview();
    expect(body.scheduler.mode).toMatch(/^(auto|on|off)$/);
    const prune = body.jobs.find((j) => j.name === "prune")!;
    expect(prune).toMatchObject({ scheduleInWords: "daily at 03:17 UTC", cronPath: "/api/cron/prune", running: false, consecutiveFailures: 2 });
    expect(prune.lastRun).toMatchObject({ status: "failed", error: "disk full", trigger: "scheduler", durationMs: 60_000 });
    expect(prune.recentRuns.map((r) => r.error)).toEqual(["disk full", "first", null, "old failure"]);
    // Only aggregate figures: jobs run for every workspace, so a whole report could show another workspace's data.
    expect(prune.recentRuns[2]!.figures).toEqual({ activityDeleted: 3, dryRun: false });
    expect(JSON.stringify(body)).not.toContain("other-workspace.test");
    // Daily at 03:17 UTC: today's if still ahead, else tomorrow's.
    const now = Date.now();
    const today = new Date(now);
    today.setUTCHours(3, 17, 0, 0);
    const expected = today.getTime() > now ? today : new Date(today.getTime() + 86_400_000);
    // The request ran a moment before `now`: only a slot exactly in between could differ.
    expect(prune.nextRun).toBe(expected.toISOString());
    // A job that never ran.
    expect(body.jobs.find((j) => j.name === "sync-leads")).toMatchObject({ lastRun: null, recentRuns: [], consecutiveFailures: 0, running: false });
  });

  it("says a job is running only while its lease lasts", async () => {
    const base = { trigger: "manual", instance: "test", startedAt: minutesAgo(5) };
    await t.db.jobRun.createMany({
      data: [
        { ...base, job: "prune", leaseUntil: new Date(Date.now() + 60_000) },
        // An instance that died mid-run: its lease ran out.
        { ...base, job: "health-check", leaseUntil: minutesAgo(1) },
      ],
    });
    const body = await overview();
    expect(body.jobs.find((j) => j.name === "prune")).toMatchObject({ running: true, lastRun: { status: "running", finishedAt: null } });
    expect(body.jobs.find((j) => j.name === "health-check")!.running).toBe(false);
  });

  it("needs a signed-in user", async () => {
    auth.user = null;
    expect((await listRoute.GET(new Request("http://localhost/api/jobs"), { params: Promise.resolve({}) })).status).toBe(401);
  });
});

describe("POST /api/jobs/<name>/run", () => {
  it("answers 202, then runs the job and records it as a manual run", async () => {
    const ws = await createWorkspace(t.db);
    const base = { workspaceId: ws.id, providerId: "stripe", operation: "x", outcome: "success" as const, durationMs: 1, actor: "test" };
    await t.db.integrationActivity.createMany({ data: [{ ...base, createdAt: new Date(Date.now() - 31 * 86_400_000) }, { ...base }] });

    const request = await post("prune");
    expect(request.answer.status).toBe(202);
    expect(await request.answer.json()).toEqual({ started: true });
    await request.afterWork;

    const runs = await t.db.jobRun.findMany({ where: { job: "prune" } });
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ trigger: "manual", status: "succeeded", slot: null, error: null });
    expect(runs[0]!.report).toMatchObject({ activityDeleted: 1 });
    const prune = (await overview()).jobs.find((j) => j.name === "prune")!;
    expect(prune).toMatchObject({ running: false, lastRun: { trigger: "manual", status: "succeeded" } });
  });

  it("answers 409 while a run of the job is going on, and starts nothing", async () => {
    await t.db.jobRun.create({ data: { job: "prune", trigger: "scheduler", instance: "other", leaseUntil: new Date(Date.now() + 60_000) } });
    const request = await post("prune");
    expect(request.answer.status).toBe(409);
    await request.afterWork;
    expect(await t.db.jobRun.count({ where: { job: "prune" } })).toBe(1);
  });

  it("runs a job whose last run's instance died (its lease ran out)", async () => {
    await t.db.jobRun.create({ data: { job: "prune", trigger: "scheduler", instance: "dead", leaseUntil: minutesAgo(1), startedAt: minutesAgo(5) } });
    const request = await post("prune");
    expect(request.answer.status).toBe(202);
    await request.afterWork;
    expect(await t.db.jobRun.count({ where: { job: "prune", trigger: "manual", status: "succeeded" } })).toBe(1);
  });

  it("answers 404 for a name that is not a job", async () => {
    const request = await post("no-such-job");
    expect(request.answer.status).toBe(404);
    expect((await request.answer.json()).error).toContain("prune");
    await request.afterWork;
    expect(await t.db.jobRun.count()).toBe(0);
  });

  it("refuses a viewer with 403", async () => {
    auth.user = { ...auth.user!, role: "viewer" };
    const request = await post("prune");
    expect(request.answer.status).toBe(403);
    await request.afterWork;
    expect(await t.db.jobRun.count()).toBe(0);
  });
});

describe("the alert on repeated failure", () => {
  /** A job that fails while `failing.now` is true; a clock that moves a second per reading, so runs are in order. */
  function flakyJob() {
    const state = { failing: true };
    const job: Job = {
      name: "flaky-test",
      route: "flaky-test",
      schedule: "0 * * * *",
      description: "fails on demand",
      run: async () => {
        if (state.failing) throw new Error("upstream down");
        return { ok: true };
      },
    };
    return { job, state };
  }
  let tick = Date.now();
  const clock = () => new Date((tick += 1000));

  it("emails the admins of every workspace with email connected, at the second failure in a row only", async () => {
    const withEmail = await createWorkspace(t.db, "With email");
    const alsoEmail = await createWorkspace(t.db, "Also email");
    const noEmail = await createWorkspace(t.db, "No email");
    for (const ws of [withEmail, alsoEmail]) await t.db.connection.create({ data: { workspaceId: ws.id, providerId: "sendgrid", status: "connected", authType: "api_key" } });
    const admin = await createUser(t.db, { workspaceId: withEmail.id, email: "a@example.test" });
    const german = await createUser(t.db, { workspaceId: alsoEmail.id, email: "b@example.test" });
    await t.db.user.update({ where: { id: german.id }, data: { language: "de" } });
    await createUser(t.db, { workspaceId: withEmail.id, email: "viewer@example.test", role: "viewer" });
    await createUser(t.db, { workspaceId: noEmail.id, email: "c@example.test" });

    const sent: { workspaceId: string; email: TemplateEmail }[] = [];
    const notify = async (workspaceId: string, email: TemplateEmail) => {
      sent.push({ workspaceId, email });
      return { ok: true as const, provider: "sendgrid" };
    };
    const { job, state } = flakyJob();
    const run = () => runJob(job, { db: t.db, trigger: "scheduler", notify, now: clock });

    await run(); // first failure
    expect(sent).toHaveLength(0);
    await run(); // second: alert
    expect(sent.map((s) => [s.workspaceId, s.email.to, s.email.language, s.email.template])).toEqual(
      [
        [withEmail.id, admin.email, "en", "job_failed"],
        [alsoEmail.id, german.email, "de", "job_failed"],
      ].sort((a, b) => a[0]!.localeCompare(b[0]!)),
    );
    expect(sent[0]!.email.values).toMatchObject({ job: "flaky-test", failures: "2", error: "upstream down", schedule: "hourly at :00" });
    await run(); // third: nothing new
    await run();
    expect(sent).toHaveLength(2);

    state.failing = false;
    await run(); // success ends the streak
    state.failing = true;
    await run();
    expect(sent).toHaveLength(2);
    await run(); // second of a new streak
    expect(sent).toHaveLength(4);
  });

  it("never lets a failing sender change the run's outcome", async () => {
    const ws = await createWorkspace(t.db);
    await t.db.connection.create({ data: { workspaceId: ws.id, providerId: "sendgrid", status: "connected", authType: "api_key" } });
    await createUser(t.db, { workspaceId: ws.id });
    let calls = 0;
    const notify = async () => {
      calls += 1;
      throw new Error("smtp exploded");
    };
    const { job } = flakyJob();
    await runJob(job, { db: t.db, trigger: "scheduler", notify, now: clock });
    const second = await runJob(job, { db: t.db, trigger: "scheduler", notify, now: clock });
    expect(calls).toBe(1);
    expect(second).toMatchObject({ ran: true, status: "failed", error: "upstream down" });
    expect(await t.db.jobRun.count({ where: { job: "flaky-test", status: "failed" } })).toBe(2);
  });
});
