// The scheduler inside the server, for Plugboard started with `npm start` or `npm run dev`: it runs
// the registry's schedules itself, so a self-hosted app keeps its tokens fresh, retries webhooks
// and prunes without an outside scheduler. Off on Vercel (vercel.json's crons call the cron
// routes) and with SCHEDULER=off (an outside scheduler calls them).
//
// Every instance ticks at each minute; a slot runs on whichever instance claims it first (runs.ts).
// When the server starts, a job whose latest slot passed while it was down runs once (catch-up).
import { Cron } from "croner";
import { config } from "@/lib/config";
import { getDb, type Db } from "@/lib/db/client";
import { logger } from "@/lib/log";
import { JOBS, type Job } from "@/lib/jobs/registry";
import { INSTANCE_ID, runJob, type RunOutcome, type RunTrigger } from "@/lib/jobs/runs";

/** Whether this server runs the schedules itself (SCHEDULER: on, off, or auto — on unless on Vercel). */
export function schedulerEnabled(env: Record<string, string | undefined> = process.env): boolean {
  const setting = config().SCHEDULER;
  if (setting !== "auto") return setting === "on";
  return !env.VERCEL;
}

const crons = new Map<string, Cron>();
function cronOf(expression: string): Cron {
  let cron = crons.get(expression);
  if (!cron) crons.set(expression, (cron = new Cron(expression, { timezone: "UTC", paused: true })));
  return cron;
}

/** The slots of a schedule after `after`, up to and including `until`, oldest first. */
export function slotsBetween(expression: string, after: Date, until: Date): Date[] {
  const cron = cronOf(expression);
  const slots: Date[] = [];
  for (let next = cron.nextRun(after); next && next <= until; next = cron.nextRun(next)) slots.push(next);
  return slots;
}

/** The first slot after `after`. */
export function nextSlot(expression: string, after: Date): Date | null {
  return cronOf(expression).nextRun(after);
}

/** The latest slot at or before `at`. */
export function latestSlot(expression: string, at: Date): Date | null {
  return cronOf(expression).previousRuns(1, new Date(at.getTime() + 1))[0] ?? null;
}

export interface SchedulerOptions {
  db?: Db;
  jobs?: readonly Job[];
  now?: () => Date;
  instance?: string;
  leaseMs?: number;
}

export class JobScheduler {
  private readonly jobs: readonly Job[];
  private readonly now: () => Date;
  private readonly instance: string;
  private lastTick: Date | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** Jobs this instance is running now: a slot that comes meanwhile is left to other instances. */
  private readonly busy = new Set<string>();

  constructor(private readonly options: SchedulerOptions = {}) {
    this.jobs = options.jobs ?? JOBS;
    this.now = options.now ?? (() => new Date());
    this.instance = options.instance ?? INSTANCE_ID;
  }

  private async db(): Promise<Db> {
    return this.options.db ?? getDb();
  }

  private async run(job: Job, slot: Date, trigger: RunTrigger): Promise<RunOutcome | null> {
    if (this.busy.has(job.name)) {
      logger.warn("scheduled slot skipped: the job's previous run is still going on this instance", { job: job.name, slot: slot.toISOString() });
      return null;
    }
    this.busy.add(job.name);
    try {
      return await runJob(job, { db: await this.db(), trigger, slot, instance: this.instance, now: this.now, ...(this.options.leaseMs ? { leaseMs: this.options.leaseMs } : {}) });
    } catch (error) {
      logger.error("scheduled run could not be recorded", { job: job.name, error });
      return null;
    } finally {
      this.busy.delete(job.name);
    }
  }

  /**
   * Runs the slots that came since the last tick (at the first tick: the slot of this very minute,
   * if it is one). Resolves when they have finished.
   */
  async tick(at: Date = this.now()): Promise<(RunOutcome | null)[]> {
    const after = this.lastTick ?? new Date(at.getTime() - 60_000);
    this.lastTick = at;
    return Promise.all(
      this.jobs.map(async (job) => {
        const outcomes: (RunOutcome | null)[] = [];
        for (const slot of slotsBetween(job.schedule, after, at)) outcomes.push(await this.run(job, slot, "scheduler"));
        return outcomes;
      }),
    ).then((all) => all.flat());
  }

  /**
   * At start: each job that has run before (so the app was running, then down) and whose latest
   * slot has no run gets that one slot run now — once, however many were missed.
   */
  async catchUp(at: Date = this.now()): Promise<(RunOutcome | null)[]> {
    const db = await this.db();
    this.lastTick = at;
    const outcomes = await Promise.all(
      this.jobs.map(async (job) => {
        const slot = latestSlot(job.schedule, at);
        if (!slot) return null;
        const [ranBefore, ranSlot] = await Promise.all([
          db.jobRun.findFirst({ where: { job: job.name, slot: { lt: slot } }, select: { id: true } }),
          db.jobRun.findUnique({ where: { job_slot: { job: job.name, slot } }, select: { id: true } }),
        ]);
        if (!ranBefore || ranSlot) return null;
        return this.run(job, slot, "catch-up");
      }),
    );
    return outcomes;
  }

  /** Catches up, then ticks a moment after every minute until stopped. */
  start(): void {
    if (this.timer) return;
    const schedule = () => {
      const now = this.now();
      const wait = 60_000 - (now.getTime() % 60_000) + 250;
      this.timer = setTimeout(() => {
        void this.tick().catch((error: unknown) => logger.error("scheduler tick failed", { error }));
        schedule();
      }, wait);
      this.timer.unref();
    };
    void this.catchUp()
      .catch((error: unknown) => logger.error("scheduler catch-up failed", { error }))
      .finally(schedule);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
