// Batch jobs: create, delete or move up to CALENDAR_BATCH_MAX_ITEMS events in one job. A job and
// its items are stored first (so progress can be read from any instance and a stopped job can be
// resumed), then sent in provider batches — Google's multipart batch, Graph's $batch — a few at
// a time. Every item has its own result: one failure never stops the others, and items the
// provider throttled or failed for the moment (429, 503, Graph's 424) are sent again after their
// Retry-After, alone.
import crypto from "node:crypto";
import { z } from "zod";
import type { SessionUser } from "@/lib/auth/session";
import { insertEventRecords, recordFields, updateUsage } from "@/lib/calendar/records";
import { bookingReferenceSchema, timeZoneSchema } from "@/lib/calendar/bookings";
import {
  callCalendar,
  calendarRefSchema,
  formatCalendarRef,
  openCalendar,
  openCalendarForRequest,
  providerFailure,
  providerName,
  type CalendarRef,
  type CalendarSession,
  requireKnownCalendar,
  userActor,
} from "@/lib/calendar/session";
import { isValidDate, parseDateTimeIn } from "@/lib/integrations/kit/time";
import { CalendarNotConnectedError } from "@/lib/calendar/token-source";
import type { BatchOperation, BatchOutcome, CalendarProviderId, EventDraft, ProviderEvent } from "@/lib/integrations/kit/ports/calendar";
import { forEachConcurrently } from "@/lib/concurrency";
import { config } from "@/lib/config";
import { getDb, type Db } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import type { CalendarBatchOperation } from "@/lib/generated/prisma/enums";
import { badRequest, notFound } from "@/lib/http/api";
import { logger } from "@/lib/log";
import { backoffDelay, CATEGORY_POLICY, ProviderError, safeMessage, type ErrorCategory } from "@/lib/pipeline";

// ---------------------------------------------------------------------------------------------
// Input

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max, { message: `At most ${max} characters` });
const eventId = z.string().min(1, { message: "Event ids cannot be empty" }).max(1024);

const batchEventSchema = z.strictObject({
  summary: text(500).min(1, { message: "A summary is required" }),
  description: text(8000).optional(),
  location: text(500).optional(),
  /** Date-time (without an offset: read in timeZone), or a date (YYYY-MM-DD) for all-day events. */
  start: z.string().max(40),
  end: z.string().max(40),
  allDay: z.boolean().default(false),
  timeZone: timeZoneSchema.optional(),
  reference: bookingReferenceSchema.optional(),
  attendees: z
    .array(z.strictObject({ email: z.email({ message: "Must be an email address" }), name: text(200).optional(), optional: z.boolean().optional() }))
    .max(100)
    .optional(),
});

const withOperation = (fallback: string) => (v: unknown) => (isObject(v) && v.operation === undefined ? { ...v, operation: fallback } : v);

/** POST /api/calendar/batch: create events, or move events to another calendar. */
export const postBatchSchema = z.preprocess(
  withOperation("create"),
  z.discriminatedUnion(
    "operation",
    [
      z.strictObject({
        operation: z.literal("create"),
        calendar: calendarRefSchema,
        timeZone: timeZoneSchema.default("UTC"),
        events: z.array(batchEventSchema).min(1, { message: "Send at least one event" }),
      }),
      z.strictObject({
        operation: z.literal("move"),
        calendar: calendarRefSchema,
        targetCalendar: calendarRefSchema,
        ids: z.array(eventId).min(1, { message: "Send at least one event id" }),
      }),
    ],
    { error: 'operation must be "create" or "move"' },
  ),
);

/** DELETE /api/calendar/batch: by ids, or every event starting within a range. */
export const deleteBatchSchema = z
  .strictObject({
    calendar: calendarRefSchema,
    ids: z.array(eventId).min(1, { message: "Send at least one event id" }).optional(),
    range: z
      .strictObject({ start: z.string().max(40).optional(), end: z.string().max(40).optional() })
      .refine((r) => r.start !== undefined || r.end !== undefined, { message: "Give start, end or both (e.g. { end: <now> } for all past events)" })
      .optional(),
    /** Range deletes: only events Plugboard created (default), or every event in the calendar. */
    scope: z.enum(["created", "all"]).default("created"),
  })
  .refine((b) => (b.ids === undefined) !== (b.range === undefined), { message: "Send either ids or range, not both", path: ["ids"] });

export type PostBatchInput = z.infer<typeof postBatchSchema>;
export type DeleteBatchInput = z.infer<typeof deleteBatchSchema>;

/** The stored form of a create item: an EventDraft without the per-job keys. */
type StoredDraft = Omit<EventDraft, "idempotencyKey" | "reference" | "notifyAttendees">;

function checkSize(count: number, what: string): void {
  const max = config().CALENDAR_BATCH_MAX_ITEMS;
  if (count > max)
    throw badRequest(`Too many ${what}: ${count.toLocaleString("en")} sent, at most ${max.toLocaleString("en")} per batch. Split them into several batches.`, {
      [what === "events" ? "events" : "ids"]: `At most ${max}`,
    });
}

/** Each event as a draft, or one 400 naming every event that is wrong. */
function draftsOf(events: z.infer<typeof batchEventSchema>[], defaultZone: string): { draft: StoredDraft; reference: string | null }[] {
  const problems: Record<string, string> = {};
  const out = events.map((e, i) => {
    const timeZone = e.timeZone ?? defaultZone;
    const base = {
      summary: e.summary,
      timeZone,
      ...(e.description ? { description: e.description } : {}),
      ...(e.location ? { location: e.location } : {}),
      ...(e.attendees?.length ? { attendees: e.attendees } : {}),
    };
    if (e.allDay) {
      if (!isValidDate(e.start)) problems[`events.${i}.start`] = "All-day events take a date: YYYY-MM-DD";
      if (!isValidDate(e.end)) problems[`events.${i}.end`] = "All-day events take a date: YYYY-MM-DD (the day after the last day)";
      else if (isValidDate(e.start) && e.end <= e.start) problems[`events.${i}.end`] = "The end date is exclusive: it must be after the start date";
      return { draft: { ...base, allDay: true as const, startDate: e.start, endDate: e.end }, reference: e.reference ?? null };
    }
    const start = parseDateTimeIn(e.start, timeZone);
    const end = parseDateTimeIn(e.end, timeZone);
    if (start === null) problems[`events.${i}.start`] = "Not a date-time: use e.g. 2026-12-01T10:00";
    if (end === null) problems[`events.${i}.end`] = "Not a date-time: use e.g. 2026-12-01T11:00";
    else if (start !== null && end <= start) problems[`events.${i}.end`] = "Must be after start";
    return { draft: { ...base, allDay: false as const, start: start ?? 0, end: end ?? 0 }, reference: e.reference ?? null };
  });
  const names = Object.keys(problems);
  if (names.length) {
    const shown = names.slice(0, 10).map((n) => `${n} — ${problems[n]}`);
    throw badRequest(`Invalid ${names.length === 1 ? names[0] : `${names.length} fields`}: ${shown.join("; ")}${names.length > 10 ? "; …" : ""}`, problems);
  }
  return out;
}

function instantOrBad(value: string | undefined, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  const at = parseDateTimeIn(value, "UTC");
  if (at === null) throw badRequest(`Invalid ${field}: not a date-time (use e.g. 2026-12-01T00:00:00Z)`, { [field]: "Not a date-time" });
  return at;
}

// ---------------------------------------------------------------------------------------------
// Views

export interface BatchFailure {
  position: number;
  reference: string | null;
  eventId: string | null;
  statusCode: number | null;
  category: ErrorCategory | null;
  message: string;
  attempts: number;
}

export interface BatchJobView {
  id: string;
  operation: CalendarBatchOperation;
  status: "queued" | "running" | "completed" | "failed";
  calendar: string;
  targetCalendar: string | null;
  total: number;
  done: number;
  succeeded: number;
  failed: number;
  pending: number;
  percent: number;
  /** HTTP requests sent to the provider so far. */
  requests: number;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  failures: BatchFailure[];
  /** More failures exist than listed. */
  failuresTruncated: boolean;
}

const FAILURES_SHOWN = 100;

type JobRow = Prisma.CalendarBatchJobGetPayload<object>;

function jobView(job: JobRow, failures: BatchFailure[] = []): BatchJobView {
  const done = job.succeeded + job.failed;
  const ref = (providerId: string, calendarId: string) => formatCalendarRef({ providerId: providerId as CalendarProviderId, calendarId });
  let target: string | null = null;
  if (job.targetCalendarId) target = job.targetProviderId ? ref(job.targetProviderId, job.targetCalendarId) : job.targetCalendarId;
  return {
    id: job.id,
    operation: job.operation,
    status: job.status,
    calendar: ref(job.providerId, job.calendarId),
    targetCalendar: target,
    total: job.total,
    done,
    succeeded: job.succeeded,
    failed: job.failed,
    pending: job.total - done,
    percent: job.total === 0 ? 100 : Math.floor((done / job.total) * 100),
    requests: job.requestCount,
    error: job.error,
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
    failures,
    failuresTruncated: failures.length < job.failed,
  };
}

export async function getBatchJob(workspaceId: string, jobId: string): Promise<BatchJobView> {
  const db = await getDb();
  const job = await db.calendarBatchJob.findFirst({ where: { id: jobId, workspaceId } });
  if (!job) throw notFound(`No calendar batch job "${jobId.slice(0, 40)}" in this workspace`);
  const items = await db.calendarBatchItem.findMany({
    where: { jobId, status: "failed" },
    orderBy: { position: "asc" },
    take: FAILURES_SHOWN,
    select: { position: true, reference: true, input: true, providerEventId: true, statusCode: true, errorCategory: true, error: true, attempts: true },
  });
  const failures = items.map((i) => ({
    position: i.position,
    reference: i.reference,
    eventId: i.providerEventId ?? (isObject(i.input) && typeof i.input.eventId === "string" ? i.input.eventId : null),
    statusCode: i.statusCode,
    category: i.errorCategory,
    message: i.error ?? "Failed",
    attempts: i.attempts,
  }));
  return jobView(job, failures);
}

export async function listBatchJobs(workspaceId: string, limit = 10): Promise<BatchJobView[]> {
  const db = await getDb();
  const jobs = await db.calendarBatchJob.findMany({ where: { workspaceId }, orderBy: { createdAt: "desc" }, take: limit });
  return jobs.map((j) => jobView(j));
}

// ---------------------------------------------------------------------------------------------
// Creating jobs

interface NewItem {
  input: Prisma.InputJsonValue;
  reference: string | null;
}

async function storeJob(
  session: CalendarSession,
  calendar: CalendarRef,
  operation: CalendarBatchOperation,
  items: NewItem[],
  target?: { session: CalendarSession; calendar: CalendarRef },
): Promise<JobRow> {
  const db = await getDb();
  return db.$transaction(async (tx) => {
    const job = await tx.calendarBatchJob.create({
      data: {
        workspaceId: session.workspaceId,
        connectionId: session.connectionId,
        providerId: calendar.providerId,
        calendarId: calendar.calendarId,
        ...(target ? { targetConnectionId: target.session.connectionId, targetProviderId: target.calendar.providerId, targetCalendarId: target.calendar.calendarId } : {}),
        operation,
        total: items.length,
        actor: session.actor,
        // Nothing to do is done.
        ...(items.length === 0 ? { status: "completed" as const, finishedAt: new Date() } : {}),
      },
    });
    // Raw SQL for the same reason as insertEventRecords: thousands of rows, cheaply.
    for (let i = 0; i < items.length; i += 1000) {
      const values = Prisma.join(
        items
          .slice(i, i + 1000)
          .map((item, j) => Prisma.sql`(${crypto.randomUUID()}, ${job.id}, ${i + j}, ${JSON.stringify(item.input)}::jsonb, ${item.reference}, CURRENT_TIMESTAMP)`),
      );
      await tx.$executeRaw`INSERT INTO "CalendarBatchItem" ("id", "jobId", "position", "input", "reference", "updatedAt") VALUES ${values}`;
    }
    return job;
  });
}

/** Validates and stores a create or move job (it runs afterwards: runBatchJob). */
export async function createBatchJob(user: SessionUser, input: PostBatchInput): Promise<BatchJobView> {
  const actor = userActor(user);
  if (input.operation === "create") {
    checkSize(input.events.length, "events");
    const drafts = draftsOf(input.events, input.timeZone);
    const session = await openCalendarForRequest(user.workspaceId, input.calendar, actor);
    await requireKnownCalendar(session, input.calendar);
    const job = await storeJob(
      session,
      input.calendar,
      "create",
      drafts.map((d) => ({ input: d.draft as unknown as Prisma.InputJsonValue, reference: d.reference })),
    );
    return jobView(job);
  }
  checkSize(input.ids.length, "ids");
  const { calendar, targetCalendar } = input;
  const session = await openCalendarForRequest(user.workspaceId, calendar, actor);
  const target = await openCalendarForRequest(user.workspaceId, targetCalendar, actor);
  // Compared by connection, so "google-calendar" and "google-calendar@<its id>" are the same calendar.
  if (session.connectionId === target.connectionId && calendar.calendarId === targetCalendar.calendarId) {
    throw badRequest("targetCalendar must be another calendar than calendar", { targetCalendar: "Same as calendar" });
  }
  await requireKnownCalendar(session, calendar);
  await requireKnownCalendar(target, targetCalendar, "targetCalendar");
  const references = await referencesOf(session, calendar.calendarId, input.ids);
  const job = await storeJob(
    session,
    calendar,
    "move",
    unique(input.ids).map((id) => ({ input: { eventId: id }, reference: references.get(id) ?? null })),
    { session: target, calendar: targetCalendar },
  );
  return jobView(job);
}

const unique = (ids: string[]) => [...new Set(ids)];

/** The local references of events Plugboard knows, so they survive a move. */
async function referencesOf(session: CalendarSession, calendarId: string, ids: string[]): Promise<Map<string, string>> {
  const db = await getDb();
  const rows = await db.calendarEvent.findMany({
    where: { connectionId: session.connectionId, calendarId, providerEventId: { in: ids }, localReference: { not: null } },
    select: { providerEventId: true, localReference: true },
  });
  return new Map(rows.map((r) => [r.providerEventId, r.localReference!]));
}

/** A delete job by ids, or by range (events starting within it). */
export async function createDeleteJob(user: SessionUser, input: DeleteBatchInput): Promise<BatchJobView> {
  const session = await openCalendarForRequest(user.workspaceId, input.calendar, userActor(user));
  await requireKnownCalendar(session, input.calendar);
  let ids: string[];
  if (input.ids) {
    checkSize(input.ids.length, "ids");
    ids = unique(input.ids);
  } else {
    const start = instantOrBad(input.range!.start, "range.start", Date.UTC(1970, 0, 1));
    const end = instantOrBad(input.range!.end, "range.end", Date.UTC(2100, 0, 1));
    if (end <= start) throw badRequest("Invalid range: end must be after start", { "range.end": "Must be after start" });
    ids = input.scope === "created" ? await createdEventsIn(session, input.calendar.calendarId, start, end) : await providerEventsIn(session, input.calendar, start, end);
    checkSize(ids.length, "ids");
  }
  const references = await referencesOf(session, input.calendar.calendarId, ids);
  const job = await storeJob(
    session,
    input.calendar,
    "delete",
    ids.map((id) => ({ input: { eventId: id }, reference: references.get(id) ?? null })),
  );
  return jobView(job);
}

async function createdEventsIn(session: CalendarSession, calendarId: string, start: number, end: number): Promise<string[]> {
  const db = await getDb();
  const rows = await db.calendarEvent.findMany({
    where: { connectionId: session.connectionId, calendarId, source: { in: ["booking", "batch"] }, startsAt: { gte: new Date(start), lt: new Date(end) } },
    select: { providerEventId: true },
    orderBy: { startsAt: "asc" },
  });
  return rows.map((r) => r.providerEventId);
}

async function providerEventsIn(session: CalendarSession, calendar: CalendarRef, start: number, end: number): Promise<string[]> {
  const result = await callCalendar(session, "events.list", (client, signal) => client.listEvents(calendar.calendarId, { start, end }, signal));
  if (!result.ok) throw providerFailure(result, `${providerName(calendar.providerId)} could not list the events to delete`);
  // Listing returns events overlapping the range; the range means "starting within it".
  const startOf = (e: ProviderEvent) => (e.allDay ? Date.parse(`${e.startDate}T00:00:00Z`) : e.start);
  return unique(result.value.filter((e) => startOf(e) >= start && startOf(e) < end).map((e) => e.id));
}

// ---------------------------------------------------------------------------------------------
// Running jobs

/** A running job whose heartbeat is older than this is taken to have stopped (the cron resumes it). */
export const STALE_JOB_MS = 10 * 60_000;

interface WorkItem {
  id: string;
  position: number;
  reference: string | null;
  input: Record<string, unknown>;
  attempts: number;
  /** Moves: the event as read from the source, then the copy made in the target. */
  event?: ProviderEvent;
}

interface Settled {
  item: WorkItem;
  outcome: BatchOutcome;
}

export interface RunOptions {
  sleep?: (ms: number) => Promise<void>;
  concurrency?: number;
  maxRetries?: number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Sends the items' operations in provider batches, `concurrency` batches at a time. Items that
 * failed retryably go again — only they — after the longest Retry-After among them, up to
 * `maxRetries` times. `settle` is called per batch with the items that are finished.
 */
async function sendInBatches(
  session: CalendarSession,
  operation: string,
  items: WorkItem[],
  toOperation: (item: WorkItem) => BatchOperation,
  settle: (settled: Settled[], requests: number) => Promise<void>,
  options: Required<RunOptions>,
): Promise<void> {
  const cfg = config();
  let queue = items;
  let stop: { category: ErrorCategory; message: string } | null = null;
  for (let round = 0; queue.length > 0; round++) {
    const throttled: WorkItem[] = [];
    let wait = 0;
    await forEachConcurrently(chunk(queue, session.client.batchSize), options.concurrency, async (part) => {
      // After the provider refused the authorisation, sending more only collects more refusals.
      if (stop)
        return settle(
          part.map((item) => ({ item, outcome: { ok: false, status: 0, category: stop!.category, message: stop!.message } })),
          0,
        );
      const result = await callCalendar(session, operation, async (client, signal) => {
        const outcomes = await client.batch(part.map(toOperation), signal);
        // Every call refused the authorisation: that is the request failing (the pipeline flags
        // the connection for reconnecting), not a batch of unlucky items.
        const refused = outcomes.every((o) => !o.ok && o.category === "auth") ? (outcomes[0] as Extract<BatchOutcome, { ok: false }>) : null;
        if (refused) throw new ProviderError(refused.message, { category: "auth", statusCode: refused.status });
        return outcomes;
      });
      for (const item of part) item.attempts += 1;
      const outcomes: BatchOutcome[] = result.ok
        ? result.value
        : part.map(() => ({ ok: false as const, status: result.statusCode ?? 0, category: result.category, message: result.message }));
      if (!result.ok && result.category === "auth") stop = { category: "auth", message: result.message };
      const finished: Settled[] = [];
      part.forEach((item, i) => {
        const outcome = outcomes[i]!;
        // Throttled (429, Google's 403 rate limits), briefly failing (Google's 500/503 backendError,
        // Graph's 503) or failed only because another request did (Graph's 424): worth sending again.
        if (!outcome.ok && CATEGORY_POLICY[outcome.category].retryable && result.ok && round < options.maxRetries) {
          throttled.push(item);
          wait = Math.max(
            wait,
            outcome.retryAfterMs ?? backoffDelay(round + 1, { baseMs: cfg.PIPELINE_BACKOFF_BASE_MS, capMs: cfg.PIPELINE_BACKOFF_CAP_MS, jitter: cfg.PIPELINE_BACKOFF_JITTER }),
          );
        } else {
          finished.push({ item, outcome });
        }
      });
      await settle(finished, result.attempts);
    });
    if (throttled.length) await options.sleep(Math.min(wait, cfg.PIPELINE_BACKOFF_CAP_MS));
    queue = throttled;
  }
}

interface ItemUpdate {
  id: string;
  status: "succeeded" | "failed";
  providerEventId: string | null;
  etag: string | null;
  statusCode: number | null;
  errorCategory: ErrorCategory | null;
  error: string | null;
  attempts: number;
}

/** One statement for a whole batch of item results. */
function updateItems(db: Db | Prisma.TransactionClient, rows: ItemUpdate[]) {
  const values = Prisma.join(
    rows.map(
      (r) =>
        Prisma.sql`(${r.id}::text, ${r.status}::text, ${r.providerEventId}::text, ${r.etag}::text, ${r.statusCode}::int, ${r.errorCategory}::text, ${r.error}::text, ${r.attempts}::int)`,
    ),
  );
  return db.$executeRaw`
    UPDATE "CalendarBatchItem" AS i SET
      "status" = v.status::"CalendarBatchItemStatus",
      "providerEventId" = COALESCE(v.pid, i."providerEventId"),
      "etag" = COALESCE(v.etag, i."etag"),
      "statusCode" = v.code,
      "errorCategory" = v.cat::"ErrorCategory",
      "error" = v.err,
      "attempts" = v.att,
      "updatedAt" = CURRENT_TIMESTAMP
    FROM (VALUES ${values}) AS v(id, status, pid, etag, code, cat, err, att)
    WHERE i.id = v.id`;
}

function failure(item: WorkItem, outcome: Extract<BatchOutcome, { ok: false }>, prefix = ""): ItemUpdate {
  return {
    id: item.id,
    status: "failed",
    providerEventId: item.event?.id ?? null,
    etag: null,
    statusCode: outcome.status || null,
    errorCategory: outcome.category,
    error: safeMessage(prefix + outcome.message),
    attempts: item.attempts,
  };
}

function succeeded(item: WorkItem, event: Pick<ProviderEvent, "id" | "etag"> | null, status: number): ItemUpdate {
  return {
    id: item.id,
    status: "succeeded",
    providerEventId: event?.id ?? null,
    etag: event?.etag ?? null,
    statusCode: status,
    errorCategory: null,
    error: null,
    attempts: item.attempts,
  };
}

/** Each settled item as its row update; `eventOf` names the provider event a success is about. */
function updatesOf(settled: Settled[], eventOf: (s: Settled) => Pick<ProviderEvent, "id" | "etag"> | null, failurePrefix?: (item: WorkItem) => string): ItemUpdate[] {
  return settled.map((s) => (s.outcome.ok ? succeeded(s.item, eventOf(s), s.outcome.status) : failure(s.item, s.outcome, failurePrefix?.(s.item))));
}

const outcomeEvent = (s: Settled) => (s.outcome.ok ? s.outcome.event : null);

interface JobContext {
  job: JobRow;
  source: CalendarSession;
  target: CalendarSession | null;
  options: Required<RunOptions>;
}

/** Writes a batch's results: item rows, local event records, job counters and heartbeat, together. */
async function record(ctx: JobContext, updates: ItemUpdate[], requests: number, events: (db: Prisma.TransactionClient) => Promise<unknown> = async () => {}): Promise<void> {
  const db = await getDb();
  const succeeded = updates.filter((u) => u.status === "succeeded").length;
  await db.$transaction(async (tx) => {
    if (updates.length) await updateItems(tx, updates);
    await events(tx);
    await tx.calendarBatchJob.update({
      where: { id: ctx.job.id },
      data: { succeeded: { increment: succeeded }, failed: { increment: updates.length - succeeded }, requestCount: { increment: requests }, heartbeatAt: new Date() },
    });
  });
}

async function runCreate(ctx: JobContext, items: WorkItem[]): Promise<void> {
  const { job, source } = ctx;
  await sendInBatches(
    source,
    "events.batch.create",
    items,
    (item) => ({
      kind: "create",
      calendarId: job.calendarId,
      draft: {
        ...(item.input as unknown as StoredDraft),
        idempotencyKey: `batch:${job.id}:${item.position}`,
        ...(item.reference ? { reference: item.reference } : {}),
      } as EventDraft,
    }),
    async (settled, requests) => {
      const created = settled.filter((s): s is Settled & { outcome: { ok: true; event: ProviderEvent } } => s.outcome.ok && s.outcome.event !== null);
      await record(ctx, updatesOf(settled, outcomeEvent), requests, (tx) =>
        insertEventRecords(
          tx,
          created.map(({ item, outcome }) => ({
            workspaceId: job.workspaceId,
            connectionId: job.connectionId,
            providerId: job.providerId,
            calendarId: job.calendarId,
            providerEventId: outcome.event.id,
            localReference: item.reference,
            source: "batch",
            batchJobId: job.id,
            // The draft's zone, not the provider's echo (Graph answers in UTC).
            fields: { ...recordFields(outcome.event), timeZone: (item.input as { timeZone?: string }).timeZone ?? null },
          })),
        ),
      );
    },
    ctx.options,
  );
}

async function runDelete(ctx: JobContext, items: WorkItem[]): Promise<void> {
  const { job, source } = ctx;
  await sendInBatches(
    source,
    "events.batch.delete",
    items,
    (item) => ({ kind: "delete", calendarId: job.calendarId, eventId: String(item.input.eventId) }),
    async (settled, requests) => {
      const deleted = settled.filter((s) => s.outcome.ok).map((s) => String(s.item.input.eventId));
      await record(
        ctx,
        updatesOf(settled, (s) => ({ id: String(s.item.input.eventId), etag: null })),
        requests,
        (tx) => tx.calendarEvent.deleteMany({ where: { connectionId: job.connectionId, calendarId: job.calendarId, providerEventId: { in: deleted } } }),
      );
    },
    ctx.options,
  );
}

/** Google moves events itself (same account); everything else is read, copied to the target, then deleted. */
async function runMove(ctx: JobContext, items: WorkItem[]): Promise<void> {
  const { job, source } = ctx;
  const target = ctx.target!;
  const targetCalendar = job.targetCalendarId!;
  const movedRecords = async (tx: Prisma.TransactionClient, moved: { item: WorkItem; event: ProviderEvent }[]) => {
    if (!moved.length) return;
    await tx.calendarEvent.deleteMany({
      where: { connectionId: job.connectionId, calendarId: job.calendarId, providerEventId: { in: moved.map((m) => String(m.item.input.eventId)) } },
    });
    await insertEventRecords(
      tx,
      moved.map(({ item, event }) => ({
        workspaceId: job.workspaceId,
        connectionId: target.connectionId,
        providerId: target.providerId,
        calendarId: targetCalendar,
        providerEventId: event.id,
        localReference: item.reference,
        source: "batch",
        batchJobId: job.id,
        fields: recordFields(event),
      })),
    );
  };
  if (source.client.nativeMove && target === source) {
    await sendInBatches(
      source,
      "events.batch.move",
      items,
      (item) => ({ kind: "move", calendarId: job.calendarId, eventId: String(item.input.eventId), destinationCalendarId: targetCalendar }),
      async (settled, requests) => {
        const moved = settled.flatMap(({ item, outcome }) => (outcome.ok && outcome.event ? [{ item, event: outcome.event }] : []));
        await record(ctx, updatesOf(settled, outcomeEvent), requests, (tx) => movedRecords(tx, moved));
      },
      ctx.options,
    );
    return;
  }

  // 1. Read each event from the source.
  const read: WorkItem[] = [];
  await sendInBatches(
    source,
    "events.batch.get",
    items,
    (item) => ({ kind: "get", calendarId: job.calendarId, eventId: String(item.input.eventId) }),
    async (settled, requests) => {
      const failed: ItemUpdate[] = [];
      for (const { item, outcome } of settled) {
        if (outcome.ok && outcome.event) read.push(Object.assign(item, { event: outcome.event }));
        else
          failed.push(
            failure(
              item,
              outcome.ok ? { ok: false, status: outcome.status, category: "permanent", message: "The event could not be read" } : outcome,
              "Could not read the event: ",
            ),
          );
      }
      await record(ctx, failed, requests);
    },
    ctx.options,
  );
  // 2. Create the copy in the target (idempotent, so a resumed job does not copy twice).
  const copied: WorkItem[] = [];
  await sendInBatches(
    target,
    "events.batch.create",
    read,
    (item) => ({ kind: "create", calendarId: targetCalendar, draft: copyDraft(item.event!, `move:${job.id}:${item.position}`) }),
    async (settled, requests) => {
      const failed: ItemUpdate[] = [];
      for (const { item, outcome } of settled) {
        if (outcome.ok && outcome.event) copied.push(Object.assign(item, { event: outcome.event }));
        else
          failed.push(
            failure(
              { ...item, event: undefined },
              outcome.ok ? { ok: false, status: outcome.status, category: "permanent", message: "The copy was not created" } : outcome,
              "Could not copy the event to the target: ",
            ),
          );
      }
      await record(ctx, failed, requests);
    },
    ctx.options,
  );
  // 3. Delete the original.
  await sendInBatches(
    source,
    "events.batch.delete",
    copied,
    (item) => ({ kind: "delete", calendarId: job.calendarId, eventId: String(item.input.eventId) }),
    async (settled, requests) => {
      const moved = settled.filter((s) => s.outcome.ok).map(({ item }) => ({ item, event: item.event! }));
      const updates = updatesOf(
        settled,
        (s) => s.item.event!,
        (item) => `Copied to the target as ${item.event!.id}, but the original could not be deleted: `,
      );
      await record(ctx, updates, requests, (tx) => movedRecords(tx, moved));
    },
    ctx.options,
  );
}

/** The event as read, as a draft for another calendar. */
function copyDraft(event: ProviderEvent, idempotencyKey: string): EventDraft {
  const timing = event.allDay ? { allDay: true as const, startDate: event.startDate, endDate: event.endDate } : { allDay: false as const, start: event.start, end: event.end };
  return { ...timing, summary: event.title, timeZone: event.timeZone ?? "UTC", idempotencyKey };
}

/**
 * Runs a stored job to the end. Safe to call more than once: only one runner claims a job, and a
 * job whose runner stopped (no heartbeat for STALE_JOB_MS) can be claimed again; its finished
 * items are not sent again and its creates are idempotent at the provider.
 */
export async function runBatchJob(jobId: string, options: RunOptions = {}): Promise<BatchJobView | null> {
  const cfg = config();
  const settings: Required<RunOptions> = {
    sleep: options.sleep ?? defaultSleep,
    concurrency: options.concurrency ?? cfg.CALENDAR_BATCH_CONCURRENCY,
    maxRetries: options.maxRetries ?? cfg.CALENDAR_BATCH_ITEM_RETRIES,
  };
  const db = await getDb();
  const now = new Date();
  const claimed = await db.calendarBatchJob.updateMany({
    where: { id: jobId, OR: [{ status: "queued" }, { status: "running", OR: [{ heartbeatAt: null }, { heartbeatAt: { lt: new Date(now.getTime() - STALE_JOB_MS) } }] }] },
    data: { status: "running", heartbeatAt: now },
  });
  if (claimed.count === 0) return null;
  await db.calendarBatchJob.updateMany({ where: { id: jobId, startedAt: null }, data: { startedAt: now } });
  const job = await db.calendarBatchJob.findUniqueOrThrow({ where: { id: jobId } });
  const pending = await db.calendarBatchItem.findMany({ where: { jobId, status: "pending" }, orderBy: { position: "asc" } });
  const items: WorkItem[] = pending.map((i) => ({ id: i.id, position: i.position, reference: i.reference, input: isObject(i.input) ? i.input : {}, attempts: i.attempts }));

  let source: CalendarSession;
  let target: CalendarSession | null = null;
  try {
    // The connections the job was stored with, whichever account is the default now.
    source = await openCalendar(job.workspaceId, { providerId: job.providerId as CalendarProviderId, connectionId: job.connectionId }, job.actor);
    if (job.operation === "move") {
      target =
        job.targetConnectionId && job.targetConnectionId !== job.connectionId
          ? await openCalendar(job.workspaceId, { providerId: job.targetProviderId as CalendarProviderId, connectionId: job.targetConnectionId }, job.actor)
          : source;
    }
  } catch (error) {
    const message = error instanceof CalendarNotConnectedError ? error.message : "The calendar could not be opened";
    if (!(error instanceof CalendarNotConnectedError)) logger.error("calendar batch job could not open its calendar", { jobId, error });
    await db.$transaction([
      db.calendarBatchItem.updateMany({ where: { jobId, status: "pending" }, data: { status: "failed", error: message, errorCategory: "auth" } }),
      db.calendarBatchJob.update({
        where: { id: jobId },
        data: { status: "failed", error: message, failed: { increment: items.length }, finishedAt: new Date(), heartbeatAt: new Date() },
      }),
    ]);
    return getBatchJob(job.workspaceId, jobId);
  }

  const ctx: JobContext = { job, source, target, options: settings };
  try {
    if (job.operation === "create") await runCreate(ctx, items);
    else if (job.operation === "delete") await runDelete(ctx, items);
    else await runMove(ctx, items);
  } catch (error) {
    // A bug or a database outage: leave the job resumable rather than pretend it finished.
    logger.error("calendar batch job stopped", { jobId, error });
    await db.calendarBatchJob.update({ where: { id: jobId }, data: { error: "The job stopped unexpectedly; it will be resumed", heartbeatAt: new Date(0) } }).catch(() => {});
    throw error;
  }
  await db.$transaction(async (tx) => {
    await tx.calendarBatchJob.update({ where: { id: jobId }, data: { status: "completed", finishedAt: new Date(), heartbeatAt: new Date(), error: null } });
    await updateUsage(tx, job.connectionId);
    if (target && target.connectionId !== job.connectionId) await updateUsage(tx, target.connectionId);
  });
  return getBatchJob(job.workspaceId, jobId);
}

/** Jobs nobody is running (queued, or running without a heartbeat for STALE_JOB_MS): run them now. */
export async function resumeStaleBatchJobs(options: RunOptions = {}): Promise<{ resumed: number }> {
  const db = await getDb();
  const staleBefore = new Date(Date.now() - STALE_JOB_MS);
  const jobs = await db.calendarBatchJob.findMany({
    where: {
      OR: [
        { status: "queued", createdAt: { lt: staleBefore } },
        { status: "running", OR: [{ heartbeatAt: null }, { heartbeatAt: { lt: staleBefore } }] },
      ],
    },
    select: { id: true },
    take: 20,
  });
  let resumed = 0;
  for (const { id } of jobs) {
    try {
      if (await runBatchJob(id, options)) resumed++;
    } catch (error) {
      logger.error("could not resume calendar batch job", { jobId: id, error });
    }
  }
  return { resumed };
}
