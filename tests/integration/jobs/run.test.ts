// Every job of the registry, run for real on a migrated database: through the one cron route (so a
// lazy import that no longer resolves fails here, not in production) and through jobs/run.ts as a
// second process, the way a server's crontab runs it.
import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GET } from "@/app/api/cron/[job]/route";
import { cronPath, JOBS } from "@/lib/jobs/registry";
import { createTestDatabase, truncateAll, type TestDatabase } from "@/tests/helpers/db";
import { createWorkspace } from "@/tests/helpers/factories";

const ROOT = path.resolve(import.meta.dirname, "../../..");
let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t?.close());
beforeEach(async () => truncateAll(t.db));

/** Two activity rows, one past the 30-day retention: `prune` must delete exactly that one. */
async function seedActivity() {
  const ws = await createWorkspace(t.db);
  const base = { workspaceId: ws.id, providerId: "stripe", operation: "x", outcome: "success" as const, durationMs: 1, actor: "test" };
  await t.db.integrationActivity.createMany({ data: [{ ...base, createdAt: new Date(Date.now() - 31 * 86_400_000) }, { ...base }] });
}

/** jobs/run.ts in its own process (async, so the embedded server in this process keeps answering it). */
function runJob(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(ROOT, "node_modules/.bin/tsx"), ["jobs/run.ts", ...args], { cwd: ROOT, env: { ...process.env, DATABASE_URL: t.url, PLUGBOARD_EMBEDDED: "" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

describe("GET /api/cron/<route>", () => {
  it("runs every job of the registry and answers its report", async () => {
    await seedActivity();
    for (const job of JOBS) {
      const response = await GET(new Request(`http://localhost${cronPath(job)}`, { headers: { authorization: "Bearer test-cron-secret" } }), {
        params: Promise.resolve({ job: job.route }),
      });
      const body = await response.json();
      expect({ job: job.name, status: response.status, error: body.error }).toEqual({ job: job.name, status: 200, error: undefined });
      expect(typeof body, job.name).toBe("object");
    }
    // Not just answered: the runs did their work on this database.
    expect(await t.db.integrationActivity.count()).toBe(1);
  });

  it("answers the job's own report", async () => {
    const call = async (route: string) =>
      (await GET(new Request(`http://localhost/api/cron/${route}`, { headers: { authorization: "Bearer test-cron-secret" } }), { params: Promise.resolve({ job: route }) })).json();
    await seedActivity();
    expect(await call("prune")).toMatchObject({ activityDeleted: 1, retentionDays: 30 });
    expect(await call("webhooks")).toMatchObject({ attempted: 0, eventsPruned: 0 });
    expect(await call("refresh-tokens")).toMatchObject({ processed: 0, refreshed: 0 });
    expect(await call("sync-leads")).toMatchObject({ workspaces: [] });
  });
});

describe("jobs/run.ts", () => {
  it("runs a job on the configured database and prints its report as one JSON line", async () => {
    await seedActivity();
    const run = await runJob(["prune"]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim().split("\n")).toHaveLength(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ activityDeleted: 1, retentionDays: 30 });
    expect(await t.db.integrationActivity.count()).toBe(1);
  }, 60_000);
});
