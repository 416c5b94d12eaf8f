// Incremental sync of the local event records: Google sync tokens, Graph delta links. The first
// run of a calendar is a full sync; later runs fetch only changes. An expired cursor (410 Gone)
// falls back to a full resync, after which records the provider no longer has are removed.
// Runs per calendar hold a lock in CalendarSyncState, so a cron run and a click never interleave.
import { calendarProviderIds, callCalendar, formatCalendarRef, openCalendar, PRIMARY, providerName, type CalendarRef, type CalendarSession } from "@/lib/calendar/session";
import { recordFields, updateUsage } from "@/lib/calendar/records";
import { CalendarNotConnectedError } from "@/lib/calendar/token-source";
import { type CalendarProviderId, type ProviderEvent, type SyncPosition } from "@/lib/integrations/kit/ports/calendar";
import { config } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { LIVE } from "@/lib/connections/choose";
import { emitEvent } from "@/lib/events";
import type { Prisma } from "@/lib/generated/prisma/client";
import { logger } from "@/lib/log";

/** A lock older than this belongs to a run that died; the next run takes it over. */
const LOCK_TTL_MS = 10 * 60_000;
/** Pages per run at most (a runaway pagination must end somewhere). */
const MAX_PAGES = 500;
const DAY_MS = 86_400_000;

export interface CalendarSyncResult {
  calendar: string;
  ok: boolean;
  /** incremental: from the saved cursor; full: first sync; resync: the cursor had expired. */
  mode: "incremental" | "full" | "resync" | "skipped";
  pages: number;
  changed: number;
  removed: number;
  message?: string;
}

export interface ConnectionSyncResult {
  providerId: CalendarProviderId;
  /** The connection synced; null when the provider is not connected. */
  connectionId: string | null;
  connected: boolean;
  usage: string | null;
  calendars: CalendarSyncResult[];
  message?: string;
}

async function applyPage(session: CalendarSession, calendarId: string, changed: ProviderEvent[], removedIds: string[], seenAt: Date): Promise<void> {
  const db = await getDb();
  const statements: Prisma.PrismaPromise<unknown>[] = changed.map((event) =>
    db.calendarEvent.upsert({
      where: { connectionId_calendarId_providerEventId: { connectionId: session.connectionId, calendarId, providerEventId: event.id } },
      // Rows Plugboard created keep their source and reference; only the provider's fields follow.
      create: {
        workspaceId: session.workspaceId,
        connectionId: session.connectionId,
        providerId: session.providerId,
        calendarId,
        providerEventId: event.id,
        source: "sync",
        ...recordFields(event),
        syncedAt: seenAt,
      },
      update: { ...recordFields(event), syncedAt: seenAt },
    }),
  );
  if (removedIds.length) statements.push(db.calendarEvent.deleteMany({ where: { connectionId: session.connectionId, calendarId, providerEventId: { in: removedIds } } }));
  if (statements.length) await db.$transaction(statements);
}

/** Takes the calendar's lock; false when another run holds it. */
async function lock(
  session: CalendarSession,
  calendarId: string,
  now: Date,
): Promise<{ id: string; cursor: string | null; windowStart: Date | null; windowEnd: Date | null } | null> {
  const db = await getDb();
  const state = await db.calendarSyncState.upsert({
    where: { connectionId_calendarId: { connectionId: session.connectionId, calendarId } },
    create: { workspaceId: session.workspaceId, connectionId: session.connectionId, providerId: session.providerId, calendarId },
    update: {},
  });
  const taken = await db.calendarSyncState.updateMany({
    where: { id: state.id, OR: [{ lockedAt: null }, { lockedAt: { lt: new Date(now.getTime() - LOCK_TTL_MS) } }] },
    data: { lockedAt: now },
  });
  return taken.count ? { id: state.id, cursor: state.cursor, windowStart: state.windowStart, windowEnd: state.windowEnd } : null;
}

/** Syncs one calendar of an open connection. Never throws for provider trouble: the result says. */
export async function syncCalendar(session: CalendarSession, calendarId: string, now = new Date()): Promise<CalendarSyncResult> {
  const calendar = formatCalendarRef({ providerId: session.providerId, calendarId });
  const state = await lock(session, calendarId, now);
  if (!state) return { calendar, ok: true, mode: "skipped", pages: 0, changed: 0, removed: 0, message: "Another sync of this calendar is running" };
  const db = await getDb();
  const cfg = config();
  const freshWindow = { start: now.getTime() - cfg.CALENDAR_SYNC_PAST_DAYS * DAY_MS, end: now.getTime() + cfg.CALENDAR_SYNC_FUTURE_DAYS * DAY_MS };
  const savedWindow = state.windowStart && state.windowEnd ? { start: state.windowStart.getTime(), end: state.windowEnd.getTime() } : freshWindow;
  let mode: CalendarSyncResult["mode"] = state.cursor ? "incremental" : "full";
  let position: SyncPosition = { cursor: state.cursor, continuation: null, window: state.cursor ? savedWindow : freshWindow };
  const counts = { pages: 0, changed: 0, removed: 0 };
  const runStart = new Date();
  let cursor: string | null = null;
  let failure: string | null = null;

  try {
    while (counts.pages < MAX_PAGES) {
      const result = await callCalendar(session, mode === "incremental" ? "events.sync" : "events.sync.full", (client, signal) => client.syncPage(calendarId, position, signal));
      if (!result.ok) {
        // The cursor expired (Google 410 fullSyncRequired, Graph 410 SyncStateNotFound): start over.
        if (result.statusCode === 410 && position.cursor && mode === "incremental") {
          mode = "resync";
          position = { cursor: null, continuation: null, window: freshWindow };
          continue;
        }
        failure = result.message;
        break;
      }
      counts.pages += 1;
      const page = result.value;
      await applyPage(session, calendarId, page.changed, page.removedIds, runStart);
      counts.changed += page.changed.length;
      counts.removed += page.removedIds.length;
      if (page.next.done) {
        cursor = page.next.cursor;
        break;
      }
      position = { ...position, continuation: page.next.continuation };
    }
    if (!failure && cursor === null) failure = `Stopped after ${MAX_PAGES} pages without reaching the end`;

    const full = mode !== "incremental";
    if (!failure && full) {
      // Everything the provider has was just seen; what was not seen is gone. Graph only syncs a
      // window, so rows outside it are left alone. Rows created during the run are kept.
      const window = position.window;
      const gone = await db.calendarEvent.deleteMany({
        where: {
          connectionId: session.connectionId,
          calendarId,
          createdAt: { lt: runStart },
          OR: [{ syncedAt: null }, { syncedAt: { lt: runStart } }],
          ...(session.client.syncWindow ? { startsAt: { lt: new Date(window.end) }, endsAt: { gt: new Date(window.start) } } : {}),
        },
      });
      counts.removed += gone.count;
    }
    await db.calendarSyncState.update({
      where: { id: state.id },
      data: failure
        ? { lockedAt: null, lastError: failure, lastResult: { mode, ...counts, ok: false } }
        : {
            lockedAt: null,
            cursor,
            lastSyncAt: new Date(),
            lastError: null,
            lastResult: { mode, ...counts, ok: true },
            ...(full ? { lastFullSyncAt: new Date(), windowStart: new Date(position.window.start), windowEnd: new Date(position.window.end) } : {}),
          },
    });
  } catch (error) {
    await db.calendarSyncState.update({ where: { id: state.id }, data: { lockedAt: null, lastError: "The sync stopped unexpectedly" } }).catch(() => {});
    throw error;
  }
  return failure ? { calendar, ok: false, mode, ...counts, message: failure } : { calendar, ok: true, mode, ...counts };
}

/** The calendars synced for a connection: the primary one and any that were synced before. */
async function calendarsToSync(connectionId: string): Promise<string[]> {
  const db = await getDb();
  const states = await db.calendarSyncState.findMany({ where: { connectionId }, select: { calendarId: true } });
  return [...new Set([PRIMARY, ...states.map((s) => s.calendarId)])];
}

/**
 * Syncs a workspace's calendar connections — every account of every calendar provider, or one
 * provider's (all its accounts), one connection or one calendar — recording the outcome on each.
 */
export async function syncWorkspaceCalendars(
  workspaceId: string,
  actor: string,
  only?: { providerId: CalendarProviderId; calendarId?: string; connectionId?: string | null },
): Promise<ConnectionSyncResult[]> {
  const db = await getDb();
  const providers = only ? [only.providerId] : calendarProviderIds();
  const connections = await db.connection.findMany({
    where: { workspaceId, providerId: { in: providers }, ...(only?.connectionId ? { id: only.connectionId } : {}), ...LIVE },
    select: { id: true, providerId: true },
    orderBy: { createdAt: "asc" },
  });
  // A provider (or connection) asked for by name that is not connected says why.
  const targets = connections.length || !only ? connections : [{ id: only.connectionId ?? null, providerId: only.providerId }];
  const out: ConnectionSyncResult[] = [];
  for (const target of targets) {
    const providerId = target.providerId as CalendarProviderId;
    let session: CalendarSession;
    try {
      session = await openCalendar(workspaceId, { providerId, connectionId: target.id }, actor);
    } catch (error) {
      if (!(error instanceof CalendarNotConnectedError)) throw error;
      // Syncing everything skips what is not connected; asking for it by name says why.
      if (only) out.push({ providerId, connectionId: null, connected: false, usage: null, calendars: [], message: error.message });
      continue;
    }
    out.push(await syncConnection(session, only?.calendarId ? [only.calendarId] : await calendarsToSync(session.connectionId)));
  }
  return out;
}

async function syncConnection(session: CalendarSession, calendarIds: string[]): Promise<ConnectionSyncResult> {
  const db = await getDb();
  const id = session.connectionId;
  await db.connection.updateMany({ where: { id, status: "connected" }, data: { status: "syncing" } });
  const calendars: CalendarSyncResult[] = [];
  try {
    for (const calendarId of calendarIds) calendars.push(await syncCalendar(session, calendarId));
  } finally {
    // Back to connected unless a call in between found a real problem (auth → error).
    await db.connection.updateMany({ where: { id, status: "syncing" }, data: { status: "connected" } });
  }
  const failed = calendars.filter((c) => !c.ok);
  const usage = await db.$transaction(async (tx) => {
    const label = await updateUsage(tx, id, failed.length === calendars.length && calendars.length > 0 ? {} : { lastSyncAt: new Date() });
    const totals = calendars.reduce((t, c) => ({ changed: t.changed + c.changed, removed: t.removed + c.removed }), { changed: 0, removed: 0 });
    if (failed.length) {
      await emitEvent(tx, {
        workspaceId: session.workspaceId,
        type: "sync.failed",
        data: { providerId: session.providerId, connectionId: id, message: failed.map((f) => `${f.calendar}: ${f.message}`).join("; ") },
      });
    } else {
      await emitEvent(tx, {
        workspaceId: session.workspaceId,
        type: "sync.completed",
        data: { providerId: session.providerId, connectionId: id, processed: totals.changed + totals.removed, updated: totals.changed, deleted: totals.removed },
      });
    }
    return label;
  });
  if (failed.length) logger.warn("calendar sync failed", { workspaceId: session.workspaceId, providerId: session.providerId, calendars: failed.map((f) => f.calendar) });
  return { providerId: session.providerId, connectionId: id, connected: true, usage, calendars };
}

/** The scheduled run: every workspace's connected calendars. */
export async function syncAllCalendars(actor = "cron"): Promise<{ connections: number; failed: number; results: (ConnectionSyncResult & { workspaceId: string })[] }> {
  const db = await getDb();
  const connections = await db.connection.findMany({
    where: { providerId: { in: calendarProviderIds() }, status: { in: ["connected", "error", "syncing"] }, needsReauth: false, pausedAt: null },
    select: { id: true, workspaceId: true, providerId: true },
    orderBy: { lastSyncAt: { sort: "asc", nulls: "first" } },
  });
  const results: (ConnectionSyncResult & { workspaceId: string })[] = [];
  for (const c of connections) {
    try {
      for (const r of await syncWorkspaceCalendars(c.workspaceId, actor, { providerId: c.providerId as CalendarProviderId, connectionId: c.id }))
        results.push({ ...r, workspaceId: c.workspaceId });
    } catch (error) {
      logger.error("calendar sync run failed", { workspaceId: c.workspaceId, providerId: c.providerId, error });
      results.push({
        workspaceId: c.workspaceId,
        providerId: c.providerId as CalendarProviderId,
        connectionId: c.id,
        connected: true,
        usage: null,
        calendars: [],
        message: "The sync stopped unexpectedly",
      });
    }
  }
  return { connections: connections.length, failed: results.filter((r) => r.message || r.calendars.some((c) => !c.ok)).length, results };
}

// ---------------------------------------------------------------------------------------------
// Status

export interface SyncStatus {
  providerId: CalendarProviderId;
  name: string;
  /** One entry per connection (account); null for a provider that was never connected. */
  connectionId: string | null;
  accountLabel: string | null;
  connected: boolean;
  lastSyncAt: string | null;
  usage: string | null;
  calendars: {
    calendar: string;
    incremental: boolean;
    running: boolean;
    lastSyncAt: string | null;
    lastFullSyncAt: string | null;
    lastError: string | null;
    lastResult: unknown;
  }[];
}

export async function syncStatus(workspaceId: string, now = new Date()): Promise<SyncStatus[]> {
  const db = await getDb();
  const connections = await db.connection.findMany({
    where: { workspaceId, providerId: { in: calendarProviderIds() } },
    select: { id: true, providerId: true, status: true, accountLabel: true, lastSyncAt: true, usageValue: true, calendarSyncStates: { orderBy: { calendarId: "asc" } } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  return calendarProviderIds().flatMap((providerId) => {
    const own = connections.filter((x) => x.providerId === providerId);
    const live = own.filter((x) => x.status !== "disconnected");
    // Every account that is connected; else the provider once, as it last was.
    const shown: ((typeof own)[number] | undefined)[] = live.length ? live : [own.at(-1)];
    return shown.map((c) => ({
      providerId,
      name: providerName(providerId),
      connectionId: c?.id ?? null,
      accountLabel: c && c.status !== "disconnected" ? c.accountLabel : null,
      connected: !!c && c.status !== "disconnected",
      lastSyncAt: c?.lastSyncAt?.toISOString() ?? null,
      usage: c?.usageValue ?? null,
      calendars: (c?.calendarSyncStates ?? []).map((s) => ({
        calendar: formatCalendarRef({ providerId, calendarId: s.calendarId, ...(live.length > 1 && c ? { connectionId: c.id } : {}) } as CalendarRef),
        incremental: s.cursor !== null,
        running: s.lockedAt !== null && s.lockedAt.getTime() > now.getTime() - LOCK_TTL_MS,
        lastSyncAt: s.lastSyncAt?.toISOString() ?? null,
        lastFullSyncAt: s.lastFullSyncAt?.toISOString() ?? null,
        lastError: s.lastError,
        lastResult: s.lastResult,
      })),
    }));
  });
}
