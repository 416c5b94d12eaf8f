// The scheduler inside the server, on a test clock: two instances on one database run each slot
// of a per-minute job exactly once; a slot missed while the app was down runs once when it comes
// back; a run whose instance died is taken over after its lease; the setting says where it runs.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resetConfig } from "@/lib/config";
import type { Job } from "@/lib/jobs/registry";
import { runJob } from "@/lib/jobs/runs";
import { JobScheduler, latestSlot, schedulerEnabled, slotsBetween } from "@/lib/jobs/scheduler";
import { createTestDatabase, truncateAll, type TestDatabase } from "@/tests/helpers/db";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t?.close());
beforeEach(async () => truncateAll(t.db));

const T0 = new Date("2027-02-01T09:00:00.000Z");
const minute = (n: number, seconds = 0.25) => new Date(T0.getTime() + n * 60_000 + seconds * 1000);

/** A job that counts its runs (and can be made slow or failing). */
function countingJob(schedule = "* * * * *", behaviour: { delayMs?: number; fail?: boolean } = {}) {
  const runs: string[] = [];
  const job: Job = {
    name: "test-counter",
    route: "test-counter",
    schedule,
    description: "counts",
    async run() {
      runs.push(new Date().toISOString());
      if (behaviour.delayMs) await new Promise((r) => setTimeout(r, behaviour.delayMs));
      if (behaviour.fail) throw new Error("the job broke");
      return { counted: runs.length };
    },
  };
  return { job, runs };
}

describe("slots", () => {
  it("lists a schedule's slots in a span and the latest one at a moment (UTC)", () => {
    expect(slotsBetween("*/15 * * * *", new Date("2027-02-01T09:00:00Z"), new Date("2027-02-01T10:00:00Z")).map((d) => d.toISOString())).toEqual([
      "2027-02-01T09:15:00.000Z",
      "2027-02-01T09:30:00.000Z",
      "2027-02-01T09:45:00.000Z",
      "2027-02-01T10:00:00.000Z",
    ]);
    expect(latestSlot("17 3 * * *", new Date("2027-02-01T03:16:59Z"))?.toISOString()).toBe("2027-01-31T03:17:00.000Z");
    expect(latestSlot("17 3 * * *", new Date("2027-02-01T03:17:00Z"))?.toISOString()).toBe("2027-02-01T03:17:00.000Z");
  });
});

describe("two instances on one database", () => {
  it("run a per-minute job exactly once per minute over ten minutes", async () => {
    const { job, runs } = countingJob();
    let clock = minute(0);
    const make = (instance: string) => new JobScheduler({ db: t.db, jobs: [job], now: () => clock, instance });
    const a = make("a");
    const b = make("b");
    for (let m = 0; m < 10; m++) {
      clock = minute(m);
      // Both tick at the same moment, as two servers would.
      await Promise.all([a.tick(clock), b.tick(clock)]);
    }
    expect(runs).toHaveLength(10);
    const rows = await t.db.jobRun.findMany({ where: { job: job.name }, orderBy: { slot: "asc" } });
    expect(rows.map((r) => r.slot!.toISOString())).toEqual(Array.from({ length: 10 }, (_, m) => new Date(T0.getTime() + m * 60_000).toISOString()));
    expect(rows.every((r) => r.status === "succeeded" && r.trigger === "scheduler")).toBe(true);
  });

  it("records a failure with its reason, and the next slot runs again", async () => {
    const { job } = countingJob("* * * * *", { fail: true });
    const scheduler = new JobScheduler({ db: t.db, jobs: [job], instance: "a" });
    await scheduler.tick(minute(0));
    await scheduler.tick(minute(1));
    const rows = await t.db.jobRun.findMany({ where: { job: job.name } });
    expect(rows.map((r) => [r.status, r.error])).toEqual([
      ["failed", "the job broke"],
      ["failed", "the job broke"],
    ]);
  });

  it("takes over a run whose instance died once its lease has run out, and not before", async () => {
    const { job, runs } = countingJob();
    const slot = new Date(T0);
    // Instance "dead" claimed the slot and stopped renewing its lease.
    await t.db.jobRun.create({ data: { job: job.name, slot, trigger: "scheduler", instance: "dead", leaseUntil: new Date(T0.getTime() + 60_000), startedAt: T0 } });
    const early = await runJob(job, { db: t.db, trigger: "scheduler", slot, instance: "alive", now: () => new Date(T0.getTime() + 30_000) });
    expect(early).toEqual({ ran: false, reason: "taken" });
    const late = await runJob(job, { db: t.db, trigger: "scheduler", slot, instance: "alive", now: () => new Date(T0.getTime() + 61_000) });
    expect(late).toMatchObject({ ran: true, status: "succeeded" });
    expect(runs).toHaveLength(1);
    expect(await t.db.jobRun.findMany({ where: { job: job.name } })).toMatchObject([{ instance: "alive", attempts: 2, status: "succeeded" }]);
  });
});

describe("catch-up at start", () => {
  it("runs a slot missed during downtime once, and nothing for a job that never ran", async () => {
    const { job, runs } = countingJob("0 * * * *");
    const scheduler = () => new JobScheduler({ db: t.db, jobs: [job], instance: "a" });
    // Never ran: a fresh install does not start by running everything.
    expect(await scheduler().catchUp(new Date("2027-02-01T12:30:00Z"))).toEqual([null]);
    // Ran at 09:00, then the server was down from 09:30 to 12:30: the 10, 11 and 12 o'clock slots passed.
    await runJob(job, { db: t.db, trigger: "scheduler", slot: new Date("2027-02-01T09:00:00Z") });
    const after = await scheduler().catchUp(new Date("2027-02-01T12:30:00Z"));
    expect(after).toMatchObject([{ ran: true, status: "succeeded" }]);
    expect(runs).toHaveLength(2);
    const latest = await t.db.jobRun.findFirst({ where: { job: job.name, trigger: "catch-up" } });
    expect(latest?.slot?.toISOString()).toBe("2027-02-01T12:00:00.000Z");
    // Starting again within the same hour runs nothing more.
    expect(await scheduler().catchUp(new Date("2027-02-01T12:45:00Z"))).toEqual([null]);
    expect(runs).toHaveLength(2);
  });
});

describe("the SCHEDULER setting", () => {
  it("is on off Vercel by default, off on Vercel, and off or on when set", () => {
    const previous = process.env.SCHEDULER;
    try {
      delete process.env.SCHEDULER;
      resetConfig();
      expect(schedulerEnabled({})).toBe(true);
      expect(schedulerEnabled({ VERCEL: "1" })).toBe(false);
      process.env.SCHEDULER = "off";
      resetConfig();
      expect(schedulerEnabled({})).toBe(false);
      process.env.SCHEDULER = "on";
      resetConfig();
      expect(schedulerEnabled({ VERCEL: "1" })).toBe(true);
    } finally {
      if (previous === undefined) delete process.env.SCHEDULER;
      else process.env.SCHEDULER = previous;
      resetConfig();
    }
  });
});
