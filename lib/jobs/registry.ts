// Every scheduled job, declared once: the cron route (app/api/cron/[job]/route.ts), the command line
// (jobs/run.ts, `npm run job:<name>`), vercel.json's crons and the README's job table all come from
// this list (`npm run docs:env` writes the last two; tests/unit/jobs.test.ts fails when they drift).
// Implementations are imported only when a job runs, so importing the registry stays cheap.
import { z } from "zod";
import type { Db } from "@/lib/db/client";

/** Who started the run: the scheduler over HTTP (`GET /api/cron/<route>`) or the command line. */
export type JobTrigger = "cron" | "cli";

export interface JobContext<Options> {
  db: Db;
  trigger: JobTrigger;
  /** The command-line options that were given; the cron route gives none, so each job has its defaults. */
  options: Partial<Options>;
}

export interface JobOption<T> {
  /** `--batch-size N` or `--batch-size=N`. */
  flag: `--${string}`;
  /** The value's placeholder in usage lines. */
  value: string;
  description: string;
  /** Checks the text given after the flag; its message follows the flag in the error ("--batch-size takes …"). */
  parse: z.ZodType<T, string>;
}

interface JobSpec<Options extends object, Report> {
  /** The command-line name: `npm run job -- <name>`, `npm run job:<name>`. */
  name: string;
  /** The cron route's last segment: `GET /api/cron/<route>`. Kept apart from `name` so existing URLs keep working. */
  route: string;
  /** Cron expression, in UTC (as Vercel runs it). */
  schedule: string;
  /** What a run does, in a sentence (README, `--list`). */
  description: string;
  options?: { [K in keyof Options]-?: JobOption<Options[K]> };
  /** Does the work and returns a JSON-able report (the cron route's answer, the CLI's output). */
  run(context: JobContext<Options>): Promise<Report>;
  /** Why a finished run counts as failed (the CLI then exits 1 after printing the report); the cron route answers the report either way. */
  failure?(report: Report): string | undefined;
}

export type Job = JobSpec<Record<string, unknown>, unknown>;

function defineJob<Options extends object = Record<never, never>, Report = unknown>(spec: JobSpec<Options, Report>): Job {
  // The list holds jobs of different option and report types; each is checked against its own here.
  return spec as unknown as Job;
}

function wholeNumber(min: number, max: number): z.ZodType<number, string> {
  const message = `takes a whole number from ${min} to ${max}`;
  return z.string().regex(/^\d+$/, message).transform(Number).pipe(z.number().min(min, message).max(max, message));
}

export const JOBS: readonly Job[] = [
  defineJob({
    name: "prune",
    route: "prune",
    schedule: "17 3 * * *",
    description:
      "Housekeeping: deletes provider-call activity older than `ACTIVITY_RETENTION_DAYS`, sign-in attempts past the rate-limit window, spent setup tokens and refused inbound webhook records older than `INBOUND_WEBHOOK_REFUSED_RETENTION_HOURS`",
    run: async ({ db }) => (await import("@/lib/jobs/prune")).pruneOldRecords(db),
  }),
  defineJob({
    name: "deliver-webhooks",
    route: "webhooks",
    schedule: "* * * * *",
    description:
      "Sends the outgoing webhooks that are due (first attempts that missed their after-response run, and retries), then deletes history older than `WEBHOOK_RETENTION_DAYS`",
    run: async ({ db }) => (await import("@/lib/webhooks-out/deliver")).runWebhookCron({ db }),
  }),
  defineJob({
    name: "sync-leads",
    route: "sync-leads",
    schedule: "0 */4 * * *",
    description: "Exports unsent leads to Odoo, batch by batch, for every workspace with Odoo connected",
    options: { batchSize: { flag: "--batch-size", value: "N", description: "leads per batch, 1 to 1000 (default `ODOO_LEAD_BATCH_SIZE`)", parse: wholeNumber(1, 1000) } },
    run: async ({ options }) => (await import("@/lib/odoo-sync")).exportLeadsForAllWorkspaces({ batchSize: options.batchSize }),
    failure: (report) => (report.workspaces.some((w) => w.report?.status === "failed") ? "a lead export run failed; its reasons are in the report above" : undefined),
  }),
  defineJob({
    name: "webinar-reminders",
    route: "webinar-reminders",
    schedule: "0 9 * * *",
    description:
      "Emails registrants the reminders due today (`WEBINAR_REMINDER_DAYS` before each session), and the ones due on days it did not run, late, for webinars still ahead; safe to run again, nobody gets a reminder twice",
    // Days the job did not run (the server was down) are caught up: their reminders go out late.
    run: async ({ db }) => {
      const last = await db.jobRun.findFirst({ where: { job: "webinar-reminders", status: "succeeded" }, orderBy: { startedAt: "desc" }, select: { startedAt: true } });
      return (await import("@/lib/webinars/reminders")).sendWebinarReminders({ lastRunAt: last?.startedAt ?? null });
    },
  }),
  defineJob({
    name: "inbound-webhooks",
    route: "inbound-webhooks",
    schedule: "*/5 * * * *",
    description: "Retries inbound webhook events whose processing failed or never ran",
    run: async ({ db }) => (await import("@/lib/webhooks-in/store")).retryInboundEvents(db),
  }),
  defineJob({
    name: "health-check",
    route: "health-check",
    schedule: "*/15 * * * *",
    description: "Judges every connection's health, tests the idle ones, stores snapshots and alerts admins on changes",
    run: async ({ db }) => (await import("@/lib/health/check")).runHealthCheck(db),
  }),
  defineJob({
    name: "refresh-tokens",
    route: "refresh-tokens",
    schedule: "7 * * * *",
    description: "Refreshes every OAuth access token that expires within `TOKEN_REFRESH_WINDOW_HOURS`",
    // The activity log tells scheduled runs from ones started by hand.
    run: async ({ db, trigger }) => (await import("@/lib/connections/oauth/refresh")).refreshDueTokens({ db, actor: trigger === "cron" ? "cron" : "job" }),
  }),
  defineJob({
    name: "calendar-sync",
    route: "calendar-sync",
    schedule: "*/15 * * * *",
    description: "Syncs every connected calendar and resumes calendar batch jobs whose runner stopped",
    run: async () => (await import("@/lib/calendar/scheduled")).runScheduledCalendarWork(),
  }),
  defineJob({
    name: "storage-maintenance",
    route: "storage-maintenance",
    schedule: "*/30 * * * *",
    description:
      "Settles uploads nobody confirmed (a browser's signed form that expired, an upload whose process died): recorded if the object is in the bucket and passes the checks, else forgotten; records the SHA-256 of files uploaded straight to the bucket",
    run: async ({ db }) => (await import("@/lib/storage/maintenance")).maintainStorage(db),
    failure: (report) => (report.problems.length ? `${report.problems.length} file(s) could not be settled; the reasons are in the report above` : undefined),
  }),
];

export const cronPath = (job: Job) => `/api/cron/${job.route}`;

export const findJob = (name: string): Job | undefined => JOBS.find((job) => job.name === name);

export const findJobByRoute = (route: string): Job | undefined => JOBS.find((job) => job.route === route);
