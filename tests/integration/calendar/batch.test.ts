// Batch jobs against the fakes: chunking (request counts at the fake), per-item results, retry of
// throttled items only (after their Retry-After), records in the database, progress, deletes by
// ids and by range, moves, and input limits.
import { describe, expect, it } from "vitest";
import { createBatchJob, createDeleteJob, deleteBatchSchema, getBatchJob, postBatchSchema, resumeStaleBatchJobs, runBatchJob } from "@/lib/calendar/batch";
import { resetConfig } from "@/lib/config";
import { validate } from "@/lib/http/api";
import { testClock } from "@/tests/helpers/clock";
import { rejection } from "@/tests/integration/integrations/setup";
import { adminWithCalendars, useCalendarHarness } from "./setup";

const h = useCalendarHarness();
// The connection counts events as "upcoming" against the real clock, so they are dated in a year still ahead of it.
const { year } = testClock;

const events = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => {
    const k = from + i;
    const day = String(1 + (k % 28)).padStart(2, "0");
    const hour = String(8 + (Math.floor(k / 28) % 10)).padStart(2, "0");
    return { summary: `Session ${k}`, start: `${year}-12-${day}T${hour}:00`, end: `${year}-12-${day}T${hour}:45`, reference: `REF-${k}` };
  });

const post = (body: unknown) => validate(postBatchSchema, body);
/** Runs `fn` with environment overrides (the configuration is re-read). */
async function withEnv<T>(env: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const previous = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  resetConfig();
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(previous)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    resetConfig();
  }
}

/** Records the waits instead of waiting. */
function sleeper() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

describe("batch create on Google Calendar", () => {
  it("sends 120 events in 3 multipart batches and records each created event", async () => {
    const { user, google } = await adminWithCalendars(h.t.db);
    const job = await createBatchJob(user, post({ calendar: "google-calendar", timeZone: "Europe/Berlin", events: events(120) }));
    expect(job).toMatchObject({ status: "queued", operation: "create", total: 120, done: 0, percent: 0 });
    expect(h.google.requests).toHaveLength(0);

    const done = await runBatchJob(job.id, { concurrency: 2 });
    expect(done).toMatchObject({ status: "completed", total: 120, done: 120, succeeded: 120, failed: 0, percent: 100, requests: 3, failures: [] });
    const batches = h.google.batchRequests();
    expect(batches).toHaveLength(3);
    expect(batches.map((b) => (b.body.match(/Content-Type: application\/http/g) ?? []).length)).toEqual([50, 50, 20]);
    expect(h.google.listEvents("primary")).toHaveLength(120);

    const rows = await h.t.db.calendarEvent.findMany({ where: { batchJobId: job.id }, orderBy: { startsAt: "asc" } });
    expect(rows).toHaveLength(120);
    const first = rows.find((r) => r.localReference === "REF-0")!;
    const atGoogle = h.google.listEvents("primary").find((e) => e.summary === "Session 0")!;
    expect(first).toMatchObject({
      connectionId: google,
      source: "batch",
      providerEventId: atGoogle.id,
      etag: atGoogle.etag,
      timeZone: "Europe/Berlin",
      startsAt: new Date(`${year}-12-01T07:00:00Z`),
    });
    const items = await h.t.db.calendarBatchItem.findMany({ where: { jobId: job.id } });
    expect(items.every((i) => i.status === "succeeded" && i.providerEventId && i.attempts === 1)).toBe(true);
    expect((await h.t.db.connection.findUniqueOrThrow({ where: { id: google } })).usageValue).toBe("120 upcoming / 120 total");
    // One activity row per batch request.
    expect(await h.t.db.integrationActivity.count({ where: { operation: "events.batch.create" } })).toBe(3);
  });

  it("keeps going past per-item failures and retries only the throttled items, after Retry-After", async () => {
    const { user } = await adminWithCalendars(h.t.db);
    const summary = (c: { body: unknown }) => (c.body as { summary?: string } | undefined)?.summary ?? "";
    h.google.failCalls({ status: 400, reason: "invalid", message: "Invalid start time.", match: (c) => summary(c) === "Session 3" });
    h.google.failCalls({ status: 429, retryAfter: 2, match: (c) => ["Session 5", "Session 61"].includes(summary(c)) }, 2);
    h.google.failCalls({ status: 403, reason: "rateLimitExceeded", match: (c) => summary(c) === "Session 70" });
    const job = await createBatchJob(user, post({ calendar: "google-calendar", events: events(80) }));
    const { waits, sleep } = sleeper();
    // Retry-After is honoured up to PIPELINE_BACKOFF_CAP_MS (the harness keeps that tiny).
    const done = await withEnv({ PIPELINE_BACKOFF_CAP_MS: "60000" }, () => runBatchJob(job.id, { sleep, concurrency: 1 }));

    expect(done).toMatchObject({ status: "completed", succeeded: 79, failed: 1, requests: 3 });
    expect(done!.failures).toEqual([
      { position: 3, reference: "REF-3", eventId: null, statusCode: 400, category: "validation", message: expect.stringMatching(/Invalid start time/), attempts: 1 },
    ]);
    // Round 1: 50 + 30 calls; round 2: only the three throttled ones, after the longest Retry-After.
    const retry = h.google.batchRequests()[2]!;
    expect(retry.body.match(/Content-Type: application\/http/g)).toHaveLength(3);
    const retried = h.google.calls.slice(-3).map(summary);
    expect(retried.sort()).toEqual(["Session 5", "Session 61", "Session 70"]);
    expect(waits).toEqual([2000]);
    expect(h.google.listEvents("primary").map((e) => e.summary)).not.toContain("Session 3");
    expect(h.google.listEvents("primary")).toHaveLength(79);
    const throttled = await h.t.db.calendarBatchItem.findFirstOrThrow({ where: { jobId: job.id, position: 5 } });
    expect(throttled).toMatchObject({ status: "succeeded", attempts: 2 });
  });

  it("sends items Google failed for the moment (500/503 backendError, 403 userRateLimitExceeded) again, after Retry-After", async () => {
    const { user } = await adminWithCalendars(h.t.db);
    const summary = (c: { body: unknown }) => (c.body as { summary?: string } | undefined)?.summary ?? "";
    h.google.failCalls({ status: 503, retryAfter: 1, match: (c) => summary(c) === "Session 1" });
    h.google.failCalls({ status: 500, reason: "backendError", match: (c) => summary(c) === "Session 2" });
    h.google.failCalls({ status: 403, reason: "userRateLimitExceeded", message: "User Rate Limit Exceeded", match: (c) => summary(c) === "Session 3" });
    const job = await createBatchJob(user, post({ calendar: "google-calendar", events: events(5) }));
    const { waits, sleep } = sleeper();
    const done = await withEnv({ PIPELINE_BACKOFF_CAP_MS: "60000" }, () => runBatchJob(job.id, { sleep, concurrency: 1 }));

    expect(done).toMatchObject({ status: "completed", succeeded: 5, failed: 0, requests: 2 });
    expect(h.google.calls.slice(-3).map(summary).sort()).toEqual(["Session 1", "Session 2", "Session 3"]);
    expect(waits).toEqual([1000]);
    expect(h.google.listEvents("primary")).toHaveLength(5);
  });

  it("gives up on an item still throttled after the configured retries", async () => {
    const { user } = await adminWithCalendars(h.t.db);
    h.google.failCalls({ status: 429, retryAfter: 1, match: (c) => (c.body as { summary?: string })?.summary === "Session 1" }, 10);
    const job = await createBatchJob(user, post({ calendar: "google-calendar", events: events(3) }));
    const done = await runBatchJob(job.id, { sleep: sleeper().sleep, maxRetries: 2 });
    expect(done).toMatchObject({ succeeded: 2, failed: 1, requests: 3 });
    expect(done!.failures[0]).toMatchObject({ position: 1, statusCode: 429, category: "rate_limit", attempts: 3 });
  });

  it("sends a job again without duplicates (idempotent creates) and never runs one job twice", async () => {
    const { user } = await adminWithCalendars(h.t.db);
    const job = await createBatchJob(user, post({ calendar: "google-calendar", events: events(5) }));
    // A runner that sent its batch and then died: the items are still pending, the events exist.
    await runBatchJob(job.id);
    await h.t.db.calendarBatchItem.updateMany({ where: { jobId: job.id }, data: { status: "pending" } });
    await h.t.db.calendarBatchJob.update({ where: { id: job.id }, data: { status: "running", heartbeatAt: new Date(0), succeeded: 0 } });
    expect(await resumeStaleBatchJobs()).toEqual({ resumed: 1 });
    expect(h.google.listEvents("primary")).toHaveLength(5);
    expect(await getBatchJob(user.workspaceId, job.id)).toMatchObject({ status: "completed", succeeded: 5 });
    expect(await runBatchJob(job.id)).toBeNull();
  });

  it("stops sending once Google refuses the token, failing the rest", async () => {
    const { user, google } = await adminWithCalendars(h.t.db);
    const job = await createBatchJob(user, post({ calendar: "google-calendar", events: events(120) }));
    h.google.tokens.clear();
    const done = await runBatchJob(job.id, { concurrency: 1 });
    expect(done).toMatchObject({ status: "completed", succeeded: 0, failed: 120, requests: 1 });
    expect(done!.failures[0]!.category).toBe("auth");
    expect(await h.t.db.connection.findUniqueOrThrow({ where: { id: google } })).toMatchObject({ needsReauth: true });
  });
});

describe("batch create on Outlook", () => {
  it("sends 45 events as $batch requests of 20, 20 and 5 and retries throttled items alone", async () => {
    const { user } = await adminWithCalendars(h.t.db);
    h.graph.failCalls({ status: 429, retryAfter: 1, match: (c) => (c.body as { subject?: string })?.subject === "Session 21" });
    const job = await createBatchJob(user, post({ calendar: "outlook-calendar", timeZone: "Europe/Berlin", events: events(45) }));
    const { waits, sleep } = sleeper();
    const done = await withEnv({ PIPELINE_BACKOFF_CAP_MS: "60000" }, () => runBatchJob(job.id, { sleep, concurrency: 3 }));
    expect(done).toMatchObject({ status: "completed", succeeded: 45, failed: 0, requests: 4 });
    const sizes = h.graph.batchRequests().map((r) => (JSON.parse(r.body) as { requests: unknown[] }).requests.length);
    expect(sizes.slice(0, 3).sort((a, b) => a - b)).toEqual([5, 20, 20]);
    expect(sizes[3]).toBe(1);
    expect(waits).toEqual([1000]);
    expect(h.graph.listEvents("primary")).toHaveLength(45);
    const row = await h.t.db.calendarEvent.findFirstOrThrow({ where: { localReference: "REF-0" } });
    expect(row.etag).toMatch(/^W\//);
  });
});

describe("batch create on Outlook: items failed for the moment", () => {
  it("sends items answered 429, 503 and 424 Failed Dependency again, after their Retry-After", async () => {
    const { user } = await adminWithCalendars(h.t.db);
    const subject = (c: { body: unknown }) => (c.body as { subject?: string } | undefined)?.subject ?? "";
    h.graph.failCalls({ status: 429, retryAfter: 2, match: (c) => subject(c) === "Session 1" });
    h.graph.failCalls({ status: 424, match: (c) => subject(c) === "Session 2" });
    h.graph.failCalls({ status: 503, retryAfter: 1, match: (c) => subject(c) === "Session 3" });
    const job = await createBatchJob(user, post({ calendar: "outlook-calendar", timeZone: "Europe/Berlin", events: events(5) }));
    const { waits, sleep } = sleeper();
    const done = await withEnv({ PIPELINE_BACKOFF_CAP_MS: "60000" }, () => runBatchJob(job.id, { sleep, concurrency: 1 }));

    expect(done).toMatchObject({ status: "completed", succeeded: 5, failed: 0, requests: 2 });
    const [first, retry] = h.graph.batchRequests().map((r) => (JSON.parse(r.body) as { requests: { body: { subject: string } }[] }).requests.map((q) => q.body.subject));
    expect(first).toHaveLength(5);
    expect(retry!.sort()).toEqual(["Session 1", "Session 2", "Session 3"]);
    // The longest Retry-After among them (the 424 carries none of its own).
    expect(waits).toEqual([2000]);
    expect(h.graph.listEvents("primary")).toHaveLength(5);
    const items = await h.t.db.calendarBatchItem.findMany({ where: { jobId: job.id, position: { in: [1, 2, 3] } } });
    expect(items.map((i) => [i.status, i.attempts])).toEqual([
      ["succeeded", 2],
      ["succeeded", 2],
      ["succeeded", 2],
    ]);
  });
});

describe("batch delete and move", () => {
  it("deletes by ids (already-deleted ones count as done) and by range of created events", async () => {
    const { user } = await adminWithCalendars(h.t.db);
    const created = await createBatchJob(user, post({ calendar: "google-calendar", timeZone: "UTC", events: events(10) }));
    await runBatchJob(created.id);
    const rows = await h.t.db.calendarEvent.findMany({ orderBy: { startsAt: "asc" } });
    // Someone else's event in the calendar: range deletes of created events leave it alone.
    h.google.addEvent("primary", { summary: "Not ours", start: { dateTime: `${year}-12-02T08:00:00Z` }, end: { dateTime: `${year}-12-02T09:00:00Z` } });

    const byIds = await createDeleteJob(
      user,
      validate(deleteBatchSchema, { calendar: "google-calendar", ids: [rows[0]!.providerEventId, rows[0]!.providerEventId, rows[1]!.providerEventId] }),
    );
    expect(byIds.total).toBe(2);
    h.google.removeEvent("primary", rows[1]!.providerEventId);
    expect(await runBatchJob(byIds.id)).toMatchObject({ succeeded: 2, failed: 0 });

    // Events 0–9 run 1–10 December at 08:00 UTC; delete those starting before 5 December.
    const byRange = await createDeleteJob(user, validate(deleteBatchSchema, { calendar: "google-calendar", range: { end: `${year}-12-05T00:00:00Z` } }));
    expect(byRange.total).toBe(2);
    await runBatchJob(byRange.id);
    expect(
      h.google
        .listEvents("primary")
        .map((e) => e.summary)
        .sort(),
    ).toEqual(["Not ours", "Session 4", "Session 5", "Session 6", "Session 7", "Session 8", "Session 9"]);
    expect(await h.t.db.calendarEvent.count()).toBe(6);

    const all = await createDeleteJob(
      user,
      validate(deleteBatchSchema, { calendar: "google-calendar", range: { start: `${year}-12-01T00:00:00Z`, end: `${year}-12-03T00:00:00Z` }, scope: "all" }),
    );
    expect(all.total).toBe(1);
    await runBatchJob(all.id);
    expect(h.google.listEvents("primary").map((e) => e.summary)).not.toContain("Not ours");
  });

  it("moves events natively on Google and by copy + delete from Outlook to Google", async () => {
    const { user } = await adminWithCalendars(h.t.db);
    h.google.addCalendar({ id: "team@group.calendar.google.com", summary: "Team", timeZone: "Europe/Berlin" });
    await runBatchJob((await createBatchJob(user, post({ calendar: "google-calendar", events: events(3) }))).id);
    const ids = (await h.t.db.calendarEvent.findMany({ orderBy: { startsAt: "asc" } })).map((r) => r.providerEventId);
    const move = await createBatchJob(user, post({ operation: "move", calendar: "google-calendar", targetCalendar: "google-calendar:team@group.calendar.google.com", ids }));
    expect(await runBatchJob(move.id)).toMatchObject({ succeeded: 3, targetCalendar: "google-calendar:team@group.calendar.google.com" });
    expect(h.google.listEvents("primary")).toHaveLength(0);
    expect(h.google.listEvents("team@group.calendar.google.com")).toHaveLength(3);
    expect(h.google.calls.filter((c) => c.path.endsWith("/move"))).toHaveLength(3);
    expect(await h.t.db.calendarEvent.count({ where: { calendarId: "team@group.calendar.google.com", localReference: { not: null } } })).toBe(3);

    const outlookEvent = h.graph.addEvent("primary", { subject: "From Outlook", startMs: Date.parse(`${year}-12-03T10:00:00Z`), endMs: Date.parse(`${year}-12-03T11:00:00Z`) });
    const cross = await createBatchJob(
      user,
      post({ operation: "move", calendar: "outlook-calendar", targetCalendar: "google-calendar", ids: [outlookEvent.id, "AAMkADmissing="] }),
    );
    const done = await runBatchJob(cross.id);
    expect(done).toMatchObject({ succeeded: 1, failed: 1 });
    expect(done!.failures[0]).toMatchObject({ eventId: "AAMkADmissing=", statusCode: 404 });
    expect(h.graph.listEvents("primary")).toHaveLength(0);
    const copied = h.google.listEvents("primary");
    expect(copied.map((e) => e.summary)).toEqual(["From Outlook"]);
    expect(Date.parse(String(copied[0]!.start.dateTime))).toBe(Date.parse(`${year}-12-03T10:00:00Z`));
  });
});

describe("batch input", () => {
  it("refuses more events than allowed, bad times and unknown calendars with 400s that say why", async () => {
    const { user } = await adminWithCalendars(h.t.db);
    const tooMany = await withEnv({ CALENDAR_BATCH_MAX_ITEMS: "10" }, () => rejection(createBatchJob(user, post({ calendar: "google-calendar", events: events(11) }))));
    expect(tooMany).toMatchObject({ status: 400 });
    expect(tooMany.message).toMatch(/Too many events: 11 sent, at most 10/);
    const badTimes = await rejection(
      createBatchJob(
        user,
        post({
          calendar: "google-calendar",
          events: [
            { summary: "x", start: `${year}-12-01T10:00`, end: `${year}-12-01T09:00` },
            { summary: "y", start: "soon", end: "later" },
          ],
        }),
      ),
    );
    expect(badTimes).toMatchObject({ status: 400, fields: { "events.0.end": "Must be after start", "events.1.start": expect.any(String), "events.1.end": expect.any(String) } });
    expect(() => post({ calendar: "icloud", events: events(1) })).toThrow(/Unknown calendar "icloud"/);
    const noSuchCalendar = await rejection(createBatchJob(user, post({ calendar: "google-calendar:typo@group.calendar.google.com", events: events(2) })));
    expect(noSuchCalendar).toMatchObject({ status: 400, fields: { calendar: "No such calendar in the connected account" } });
    expect(noSuchCalendar.message).toMatch(/this Google Calendar account has google-calendar/);
    expect(await h.t.db.calendarBatchJob.count()).toBe(0);
    expect(() => post({ operation: "copy", calendar: "google-calendar" })).toThrow(/operation must be "create" or "move"/);
    expect(() => validate(deleteBatchSchema, { calendar: "google-calendar" })).toThrow(/either ids or range/);
    expect(() => validate(deleteBatchSchema, { calendar: "google-calendar", range: {} })).toThrow(/Give start, end or both/);
    // Only the calendar list was asked for; no event reached Google.
    expect(h.google.calls.map((c) => c.path)).toEqual(["/calendar/v3/users/me/calendarList"]);
  });
});
