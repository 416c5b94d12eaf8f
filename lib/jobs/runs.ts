// Every run of a scheduled job goes through here, whoever starts it, so there is one history (the
// JobRun table) and one rule for who may run a slot:
//
// - A scheduled slot is claimed with one INSERT … ON CONFLICT DO NOTHING on (job, slot): of all
//   instances sharing the database, exactly one gets the row and runs the slot.
// - The runner renews its lease while the job works (a heartbeat). A row still "running" whose
//   lease ran out belongs to an instance that died; a conditional UPDATE lets one other instance
//   take it over and run the slot again.
// - Runs started by hand, by the cron route or from the command line have no slot: they always run.
import crypto from "node:crypto";
import os from "node:os";
import type { Db } from "@/lib/db/client";
import { utcTimestamp } from "@/lib/db/sql";
import type { Prisma } from "@/lib/generated/prisma/client";
import { logger } from "@/lib/log";
import type { JobAlertNotifier } from "@/lib/jobs/alerts";
import type { Job, JobTrigger } from "@/lib/jobs/registry";

export type RunTrigger = JobTrigger | "scheduler" | "catch-up" | "manual";

/** This process, as JobRun.instance names it. */
export const INSTANCE_ID = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString("hex")}`;

/** How long a run holds its slot without a heartbeat; the heartbeat renews it every third of that. */
export const LEASE_MS = 60_000;

export interface RunOptions {
  db: Db;
  trigger: RunTrigger;
  /** The scheduled time this run is for (scheduler and catch-up runs). */
  slot?: Date;
  options?: Record<string, unknown>;
  instance?: string;
  now?: () => Date;
  leaseMs?: number;
  /** Sends the alert when this run is the job's second failure in a row (lib/jobs/alerts.ts); tests give a recorder. */
  notify?: JobAlertNotifier;
}

export type RunOutcome =
  | { ran: true; runId: string; status: "succeeded" | "failed"; report: unknown; error: string | null; durationMs: number }
  /** Another instance has (or had) this slot. */
  | { ran: false; reason: "taken" };

/** Claims the slot: a new row, or the row of a run whose instance died (its lease ran out). */
async function claimSlot(db: Db, job: Job, slot: Date, trigger: RunTrigger, instance: string, now: Date, leaseMs: number): Promise<{ id: string } | null> {
  const leaseUntil = new Date(now.getTime() + leaseMs);
  const rows = await db.$queryRaw<{ id: string }[]>`
    INSERT INTO "JobRun" ("id", "job", "slot", "trigger", "status", "instance", "leaseUntil", "startedAt")
    VALUES (${crypto.randomUUID()}, ${job.name}, ${utcTimestamp(slot)}, ${trigger}, 'running', ${instance}, ${utcTimestamp(leaseUntil)}, ${utcTimestamp(now)})
    ON CONFLICT ("job", "slot") DO NOTHING
    RETURNING "id"`;
  if (rows[0]) return rows[0];
  const taken = await db.jobRun.updateMany({
    where: { job: job.name, slot, status: "running", leaseUntil: { lt: now } },
    data: { instance, leaseUntil, attempts: { increment: 1 }, startedAt: now, trigger },
  });
  if (taken.count === 0) return null;
  const row = await db.jobRun.findUnique({ where: { job_slot: { job: job.name, slot } }, select: { id: true, instance: true } });
  return row?.instance === instance ? { id: row.id } : null;
}

function reportJson(report: unknown): Prisma.InputJsonValue {
  return JSON.parse(JSON.stringify(report ?? null)) as Prisma.InputJsonValue;
}

/** Runs a job once (or not at all, when its slot is another instance's) and records the run. */
export async function runJob(job: Job, run: RunOptions): Promise<RunOutcome> {
  const { db } = run;
  const now = run.now ?? (() => new Date());
  const instance = run.instance ?? INSTANCE_ID;
  const leaseMs = run.leaseMs ?? LEASE_MS;
  const started = now();
  let id: string;
  if (run.slot) {
    const claimed = await claimSlot(db, job, run.slot, run.trigger, instance, started, leaseMs);
    if (!claimed) return { ran: false, reason: "taken" };
    id = claimed.id;
  } else {
    id = (
      await db.jobRun.create({
        data: { job: job.name, trigger: run.trigger, instance, leaseUntil: new Date(started.getTime() + leaseMs), startedAt: started },
        select: { id: true },
      })
    ).id;
  }

  // The heartbeat: while the job works, its lease keeps moving ahead of the clock.
  const heartbeat = setInterval(() => {
    db.jobRun
      .updateMany({ where: { id, instance, status: "running" }, data: { leaseUntil: new Date(now().getTime() + leaseMs) } })
      .catch((error: unknown) => logger.warn("job lease renewal failed", { job: job.name, error }));
  }, leaseMs / 3);
  heartbeat.unref();

  let report: unknown = null;
  let error: string | null = null;
  try {
    report = await job.run({ db, trigger: run.trigger === "cli" ? "cli" : "cron", options: run.options ?? {} });
    error = job.failure?.(report) ?? null;
  } catch (thrown) {
    error = thrown instanceof Error ? thrown.message : String(thrown);
    logger.error("scheduled job failed", { job: job.name, trigger: run.trigger, error: thrown });
  } finally {
    clearInterval(heartbeat);
  }
  const finished = now();
  const durationMs = finished.getTime() - started.getTime();
  const status = error ? "failed" : "succeeded";
  await db.jobRun.updateMany({
    where: { id, instance },
    data: { status, finishedAt: finished, durationMs, leaseUntil: finished, report: reportJson(report), error },
  });
  if (error) await alertIfRepeated(db, job, error, run.notify);
  return { ran: true, runId: id, status, report, error, durationMs };
}

/** The failure alert never changes a run's outcome: a failure to send is logged. */
async function alertIfRepeated(db: Db, job: Job, error: string, notify: JobAlertNotifier | undefined): Promise<void> {
  try {
    // Loaded only when a run fails: the email stack is not needed for runs that succeed.
    const { alertOnRepeatedFailure } = await import("@/lib/jobs/alerts");
    await alertOnRepeatedFailure(db, job, error, notify);
  } catch (thrown) {
    logger.error("job failure alert could not be sent", { job: job.name, error: thrown });
  }
}
