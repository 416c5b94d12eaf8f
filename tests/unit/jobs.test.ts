// The job registry is the one list of scheduled jobs: these fail when vercel.json, package.json's
// job:* scripts or the README's job table disagree with it (fix: npm run docs:env, or the scripts),
// and check the command line and the cron route's answers that need no database.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { GET } from "@/app/api/cron/[job]/route";
import { formatJobList, parseJobCommand } from "@/lib/jobs/cli";
import { JOBS_END, JOBS_START, renderJobsTable, renderVercelJson } from "@/lib/jobs/docs";
import { cronPath, findJob, JOBS } from "@/lib/jobs/registry";
import { describeSchedule } from "@/lib/jobs/schedule";

const ROOT = path.resolve(import.meta.dirname, "../..");
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");

describe("the job registry", () => {
  it("keeps today's command-line names and cron URLs (schedulers outside the repository call them)", () => {
    expect(Object.fromEntries(JOBS.map((job) => [job.name, cronPath(job)]))).toEqual({
      prune: "/api/cron/prune",
      "deliver-webhooks": "/api/cron/webhooks",
      "sync-leads": "/api/cron/sync-leads",
      "webinar-reminders": "/api/cron/webinar-reminders",
      "inbound-webhooks": "/api/cron/inbound-webhooks",
      "health-check": "/api/cron/health-check",
      "refresh-tokens": "/api/cron/refresh-tokens",
      "calendar-sync": "/api/cron/calendar-sync",
      "storage-maintenance": "/api/cron/storage-maintenance",
    });
  });

  it("has unique, URL-safe names and routes, a description and a schedule it can put in words", () => {
    expect(new Set(JOBS.map((job) => job.name)).size).toBe(JOBS.length);
    expect(new Set(JOBS.map((job) => job.route)).size).toBe(JOBS.length);
    for (const job of JOBS) {
      expect(job.name).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(job.route).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(job.description.length, job.name).toBeGreaterThan(20);
      expect(() => describeSchedule(job.schedule), job.name).not.toThrow();
    }
  });

  it("imports no job implementation up front (each run imports its own)", () => {
    const imports = [...read("lib/jobs/registry.ts").matchAll(/^import\s.*$/gm)].map((m) => m[0]);
    expect(imports.length).toBeGreaterThan(0);
    for (const line of imports) expect(line, line).toMatch(/^import type |from "zod";$/);
  });

  it("counts a lead export with a failed run as a failure for the command line", () => {
    const failure = findJob("sync-leads")!.failure!;
    expect(
      failure({
        ranAt: "",
        workspaces: [
          { workspaceId: "w1", report: { status: "completed" } },
          { workspaceId: "w2", skipped: "busy" },
        ],
      }),
    ).toBeUndefined();
    expect(failure({ ranAt: "", workspaces: [{ workspaceId: "w1", report: { status: "failed" } }] })).toMatch(/failed/);
  });
});

describe("vercel.json, package.json and the README agree with the registry", () => {
  it("vercel.json has exactly one cron per job, with its path and schedule, and no other", () => {
    const crons = (JSON.parse(read("vercel.json")) as { crons: { path: string; schedule: string }[] }).crons;
    for (const job of JOBS)
      expect(
        crons.filter((c) => c.path === cronPath(job)),
        job.name,
      ).toEqual([{ path: cronPath(job), schedule: job.schedule }]);
    for (const cron of crons)
      expect(
        JOBS.some((job) => cronPath(job) === cron.path),
        `${cron.path} in vercel.json is no job of lib/jobs/registry.ts`,
      ).toBe(true);
    expect(crons).toHaveLength(JOBS.length);
  });

  it("vercel.json reads as npm run docs:env writes it", () => {
    expect(read("vercel.json")).toBe(renderVercelJson(read("vercel.json")));
  });

  it("package.json has `job` and one job:<name> script per job, each running jobs/run.ts", () => {
    const scripts = (JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts;
    expect(scripts.job).toBe("tsx jobs/run.ts");
    for (const job of JOBS) expect(scripts[`job:${job.name}`], `job:${job.name}`).toBe(`tsx jobs/run.ts ${job.name}`);
    for (const name of Object.keys(scripts).filter((s) => s.startsWith("job:"))) expect(findJob(name.slice(4)), `${name} names no job of lib/jobs/registry.ts`).toBeDefined();
  });

  it("the README's job table is current", () => {
    expect(read("README.md")).toContain(`${JOBS_START}\n${renderJobsTable()}\n${JOBS_END}`);
    for (const job of JOBS) expect(renderJobsTable()).toContain(`| \`${job.name}\` | \`${job.schedule}\` | ${describeSchedule(job.schedule)} |`);
  });

  it("rewrites stale crons from the registry and keeps vercel.json's other settings", () => {
    const stale = JSON.stringify({
      $schema: "s",
      regions: ["fra1"],
      crons: [
        { path: "/api/cron/gone", schedule: "1 1 * * *" },
        { path: "/api/cron/prune", schedule: "0 0 * * *" },
      ],
    });
    const written = JSON.parse(renderVercelJson(stale));
    expect(written).toEqual({ $schema: "s", regions: ["fra1"], crons: JOBS.map((job) => ({ path: cronPath(job), schedule: job.schedule })) });
    expect(Object.keys(JSON.parse(renderVercelJson(JSON.stringify({ $schema: "s" }))))).toEqual(["$schema", "crons"]);
  });
});

describe("describeSchedule", () => {
  it("puts the registry's shapes of schedule in words", () => {
    expect(describeSchedule("* * * * *")).toBe("every minute");
    expect(describeSchedule("*/5 * * * *")).toBe("every 5 minutes");
    expect(describeSchedule("7 * * * *")).toBe("hourly at :07");
    expect(describeSchedule("17 3 * * *")).toBe("daily at 03:17 UTC");
    expect(describeSchedule("0 */4 * * *")).toBe("every 4 hours (00:00, 04:00, 08:00, 12:00, 16:00, 20:00 UTC)");
    expect(describeSchedule("30 */2 * * *")).toBe("every 2 hours at :30, from 00:30 UTC");
  });

  it("refuses what it cannot describe rather than describing it wrong", () => {
    for (const expression of ["0 0 1 * *", "0 9 * * 1", "*/5 9 * * *", "60 * * * *", "0 24 * * *", "*/0 * * * *", "1-5 * * * *", "0 9 * *"]) {
      expect(() => describeSchedule(expression), expression).toThrow(/Cron schedule/);
    }
  });
});

describe("the command line (jobs/run.ts)", () => {
  it("parses a job and its options", () => {
    const run = parseJobCommand(["sync-leads", "--batch-size", "50"]);
    expect(run).toMatchObject({ kind: "run", job: { name: "sync-leads" }, options: { batchSize: 50 } });
    expect(parseJobCommand(["sync-leads", "--batch-size=7"])).toMatchObject({ kind: "run", options: { batchSize: 7 } });
    expect(parseJobCommand(["--", "prune"])).toMatchObject({ kind: "run", job: { name: "prune" }, options: {} });
    expect(parseJobCommand(["--list"])).toEqual({ kind: "list" });
    expect(parseJobCommand(["prune", "--help"])).toEqual({ kind: "help" });
  });

  it("says what is wrong with the usage", () => {
    const error = (args: string[]) => {
      const command = parseJobCommand(args);
      return command.kind === "error" ? command.message : `not an error: ${command.kind}`;
    };
    expect(error([])).toMatch(/^name a job to run\nusage:/);
    expect(error(["nope"])).toBe(`no job named "nope"; the jobs are ${JOBS.map((j) => j.name).join(", ")}`);
    expect(error(["--batch-size", "5"])).toMatch(/name the job before its options/);
    for (const value of ["0", "1001", "1.5", "ten", ""]) expect(error(["sync-leads", `--batch-size=${value}`]), value).toBe("--batch-size takes a whole number from 1 to 1000");
    expect(error(["sync-leads", "--batch-size"])).toBe("--batch-size needs a value (N)");
    expect(error(["sync-leads", "--batch-size", "5", "--batch-size", "6"])).toBe("--batch-size is given twice");
    expect(error(["sync-leads", "--batchsize", "5"])).toBe("sync-leads does not know the option --batchsize; its options are --batch-size N");
    expect(error(["prune", "--batch-size", "5"])).toBe("prune does not know the option --batch-size; it takes no options");
    expect(error(["prune", "extra"])).toBe("prune does not know the argument extra; it takes no options");
    expect(error(["--list", "prune"])).toBe("--list takes no job name or options");
  });

  it("lists every job with its schedule, route and options, and exits 2 on wrong usage before opening a database", () => {
    const tsx = path.join(ROOT, "node_modules/.bin/tsx");
    const list = spawnSync(tsx, ["jobs/run.ts", "--list"], { cwd: ROOT, encoding: "utf8" });
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout.trim()).toBe(formatJobList());
    for (const job of JOBS) expect(list.stdout).toContain(`GET ${cronPath(job)}`);
    expect(list.stdout).toContain("--batch-size N: leads per batch");
    const wrong = spawnSync(tsx, ["jobs/run.ts", "sync-leads", "--batch-size", "0"], { cwd: ROOT, encoding: "utf8" });
    expect({ status: wrong.status, stderr: wrong.stderr, stdout: wrong.stdout }).toEqual({
      status: 2,
      stderr: "error: --batch-size takes a whole number from 1 to 1000\n",
      stdout: "",
    });
  }, 30_000);
});

describe("GET /api/cron/[job] without a database", () => {
  const call = (job: string, authorization?: string) =>
    GET(new Request(`http://localhost/api/cron/${job}`, { headers: authorization ? { authorization } : {} }), { params: Promise.resolve({ job }) });

  it("refuses a missing or wrong secret with the same 401 for jobs and non-jobs", async () => {
    for (const job of ["prune", "webhooks", "no-such-job"]) {
      for (const authorization of [undefined, "Bearer nope", "test-cron-secret"]) {
        const response = await call(job, authorization);
        expect(response.status, `${job} ${authorization}`).toBe(401);
        expect(await response.json()).toEqual({ error: "Missing or wrong cron secret (Authorization: Bearer $CRON_SECRET)" });
      }
    }
  });

  it("answers 404 naming the cron routes for a path that is no job, and does not take a job's CLI name as its route", async () => {
    for (const job of ["no-such-job", "deliver-webhooks", "PRUNE"]) {
      const response = await call(job, "Bearer test-cron-secret");
      expect(response.status, job).toBe(404);
      const body = await response.json();
      expect(body.error).toBe(`No scheduled job at /api/cron/${job}; the cron routes are ${JOBS.map(cronPath).join(", ")}`);
    }
  });
});
