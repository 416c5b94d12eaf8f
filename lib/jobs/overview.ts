// What the Jobs page shows (GET /api/jobs) and what its Run now button does
// (POST /api/jobs/<name>/run): every job of the registry with its schedule, next slot, last run,
// failure streak and recent history from the JobRun table.
import { z } from "zod";
import { config } from "@/lib/config";
import type { Db } from "@/lib/db/client";
import { ApiError } from "@/lib/http/api";
import { afterResponse } from "@/lib/http/after-response";
import { consecutiveFailures } from "@/lib/jobs/alerts";
import { cronPath, findJob, JOBS, type Job } from "@/lib/jobs/registry";
import { runJob } from "@/lib/jobs/runs";
import { describeSchedule } from "@/lib/jobs/schedule";
import { nextSlot, schedulerEnabled } from "@/lib/jobs/scheduler";

export const RECENT_RUNS = 10;

export interface JobRunView {
  id: string;
  trigger: string;
  status: "running" | "succeeded" | "failed";
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  /**
   * The report's top-level numbers and yes/no values. Jobs run for every workspace at once, so a
   * whole report (reminder failures with registrants' addresses, per-workspace results) would show
   * one workspace's data to another's users; aggregate figures do not.
   */
  figures: Record<string, number | boolean>;
  error: string | null;
}

export interface JobView {
  name: string;
  description: string;
  schedule: string;
  scheduleInWords: string;
  cronPath: string;
  nextRun: string | null;
  lastRun: JobRunView | null;
  running: boolean;
  consecutiveFailures: number;
  recentRuns: JobRunView[];
}

export interface JobsOverview {
  scheduler: { enabled: boolean; mode: "auto" | "on" | "off" };
  jobs: JobView[];
}

/** A report's top-level numbers and yes/no values. */
export function reportFigures(report: unknown): Record<string, number | boolean> {
  if (!report || typeof report !== "object" || Array.isArray(report)) return {};
  return Object.fromEntries(Object.entries(report).filter(([, value]) => typeof value === "number" || typeof value === "boolean")) as Record<string, number | boolean>;
}

const RUN_SELECT = { id: true, trigger: true, status: true, startedAt: true, finishedAt: true, durationMs: true, report: true, error: true } as const;

/** A run still going: "running" with a lease in the future (a run whose instance died has a lease in the past). */
const runningWhere = (job: string, now: Date) => ({ job, status: "running" as const, leaseUntil: { gt: now } });

export async function jobsOverview(db: Db, now: Date = new Date()): Promise<JobsOverview> {
  const jobs = await Promise.all(
    JOBS.map(async (job): Promise<JobView> => {
      const [runs, running, failures] = await Promise.all([
        db.jobRun.findMany({ where: { job: job.name }, orderBy: [{ startedAt: "desc" }, { id: "desc" }], take: RECENT_RUNS, select: RUN_SELECT }),
        db.jobRun.count({ where: runningWhere(job.name, now) }),
        consecutiveFailures(db, job.name),
      ]);
      const recentRuns = runs.map(({ report, ...run }): JobRunView => ({
        ...run,
        startedAt: run.startedAt.toISOString(),
        finishedAt: run.finishedAt?.toISOString() ?? null,
        figures: reportFigures(report),
      }));
      return {
        name: job.name,
        description: job.description,
        schedule: job.schedule,
        scheduleInWords: describeSchedule(job.schedule),
        cronPath: cronPath(job),
        nextRun: nextSlot(job.schedule, now)?.toISOString() ?? null,
        lastRun: recentRuns[0] ?? null,
        running: running > 0,
        consecutiveFailures: failures,
        recentRuns,
      };
    }),
  );
  return { scheduler: { enabled: schedulerEnabled(), mode: config().SCHEDULER }, jobs };
}

const names = JOBS.map((job) => job.name) as [string, ...string[]];
export const jobParamsSchema = z.object({ name: z.enum(names) });

/** The job a path names, or a 404 that lists the jobs. */
export function jobFromParams(params: unknown): Job {
  const parsed = jobParamsSchema.safeParse(params);
  if (!parsed.success) throw new ApiError(404, `No such job; the jobs are ${names.join(", ")}`);
  return findJob(parsed.data.name)!;
}

/**
 * Starts a run of the job once the answer has gone out (a run can take minutes); a 409 when a run
 * of it is going on. Two presses at the same instant may both start one: each is recorded.
 */
export async function startJobNow(db: Db, job: Job, options: { now?: Date } = {}): Promise<void> {
  if (await db.jobRun.count({ where: runningWhere(job.name, options.now ?? new Date()) }))
    throw new ApiError(409, `The ${job.name} job is running; wait for it to finish before starting it again`);
  await afterResponse(() => runJob(job, { db, trigger: "manual" }), "detach", `manual run of the ${job.name} job`);
}
