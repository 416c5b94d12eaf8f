// Outlook / Microsoft 365 calendars through Microsoft Graph (plain fetch, ./graph.ts). Reads ask
// for UTC (Prefer: outlook.timezone) so times parse the same way whatever the mailbox's zone;
// batches use Graph's JSON $batch (at most 20 requests); sync uses calendarView delta links.
import crypto from "node:crypto";
import { isRepeatedWallClock, isValidTimeZone, localDateTime, zonedToInstant } from "@/lib/integrations/kit/time";
import type { BatchOperation, BatchOutcome, CalendarClient, CalendarInfo, EventDraft, ProviderEvent, SyncPage } from "@/lib/integrations/kit/ports/calendar";
import { config } from "@/lib/config";
import { classifyGraphError, graphFailure, graphFetch } from "@/lib/integrations/outlook-calendar/graph";
import type { GraphOperation } from "@/lib/integrations/outlook-calendar/permissions";
import { ianaTimeZone, UnknownTimeZoneError } from "@/lib/integrations/outlook-calendar/graph-time-zones";

const UTC_PREFERENCE = 'outlook.timezone="UTC"';
const DAY_MS = 86_400_000;
const SELECT = "id,subject,start,end,isAllDay,isCancelled,showAs,onlineMeeting,lastModifiedDateTime,originalStartTimeZone";

interface GraphDateTime {
  dateTime?: string;
  timeZone?: string;
}

export interface GraphEvent {
  id?: string;
  "@odata.etag"?: string;
  "@removed"?: { reason?: string };
  subject?: string | null;
  start?: GraphDateTime;
  end?: GraphDateTime;
  isAllDay?: boolean;
  isCancelled?: boolean;
  showAs?: string;
  onlineMeeting?: { joinUrl?: string } | null;
  lastModifiedDateTime?: string;
  originalStartTimeZone?: string;
}

const enc = encodeURIComponent;
/** "primary" is the mailbox's default calendar (/me/calendar). */
export const calendarPath = (calendarId: string) => (calendarId === "primary" ? "/me/calendar" : `/me/calendars/${enc(calendarId)}`);

/** Graph's "2026-03-29T09:00:00.0000000" in a named zone, as an instant. */
function graphInstant(value: GraphDateTime | undefined): number {
  const raw = value?.dateTime ?? "";
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::(\d{2}))?/.exec(raw);
  if (!m) return 0;
  const zone = ianaTimeZone(value?.timeZone) ?? "UTC";
  return zonedToInstant(m[1]!, m[2]!, zone) + Number(m[3] ?? 0) * 1000;
}

/**
 * The zone an event was made in, which only labels it (its times come in UTC): Graph also reports
 * custom zones there ("tzone://Microsoft/Custom"), and an event is not unreadable for that.
 */
function originalZone(name: string | undefined): string | null {
  try {
    return ianaTimeZone(name);
  } catch (error) {
    if (error instanceof UnknownTimeZoneError) return null;
    throw error;
  }
}

export function fromGraphEvent(e: GraphEvent): ProviderEvent {
  const base = {
    id: e.id ?? "",
    etag: e["@odata.etag"] ?? null,
    title: e.subject || "(no title)",
    status: e.isCancelled ? ("cancelled" as const) : e.showAs === "tentative" ? ("tentative" as const) : ("confirmed" as const),
    busy: e.showAs !== "free",
    timeZone: originalZone(e.originalStartTimeZone),
    meetingUrl: e.onlineMeeting?.joinUrl ?? null,
    updatedAt: e.lastModifiedDateTime ? Date.parse(e.lastModifiedDateTime) : null,
  };
  if (e.isAllDay) {
    // All-day events run midnight to midnight; the dates are what matter.
    const startDate = (e.start?.dateTime ?? "").slice(0, 10);
    const endDate = (e.end?.dateTime ?? "").slice(0, 10) || startDate;
    return { ...base, allDay: true, startDate, endDate };
  }
  const start = graphInstant(e.start);
  return { ...base, allDay: false, start, end: graphInstant(e.end) || start };
}

/** Graph's transactionId (an idempotency key for creates) from ours. */
export function graphTransactionId(idempotencyKey: string): string {
  return crypto.createHash("sha256").update(idempotencyKey).digest("hex").slice(0, 36);
}

/**
 * Graph's dateTimeTimeZone: the wall clock beside the zone, which takes no offset. In the hour that
 * repeats when clocks go back the wall clock names two instants, so that one is sent in UTC.
 */
export function graphDateTime(instant: number, zone: string): { dateTime: string; timeZone: string } {
  if (isRepeatedWallClock(instant, zone)) return { dateTime: localDateTime(instant, "UTC"), timeZone: "UTC" };
  return { dateTime: localDateTime(instant, zone), timeZone: zone };
}

export function toGraphEvent(draft: EventDraft): Record<string, unknown> {
  const zone = isValidTimeZone(draft.timeZone) ? draft.timeZone : "UTC";
  const timing =
    draft.allDay === true
      ? { isAllDay: true, start: { dateTime: `${draft.startDate}T00:00:00`, timeZone: zone }, end: { dateTime: `${draft.endDate}T00:00:00`, timeZone: zone } }
      : { isAllDay: false, start: graphDateTime(draft.start, zone), end: graphDateTime(draft.end, zone) };
  // Graph keeps one reminder per event: the shortest popup (or any) reminder wins.
  const reminder = draft.reminders?.filter((r) => r.method === "popup").sort((a, b) => a.minutes - b.minutes)[0] ?? draft.reminders?.[0];
  return {
    subject: draft.summary,
    ...(draft.description ? { body: { contentType: "text", content: draft.description } } : {}),
    ...(draft.location ? { location: { displayName: draft.location } } : {}),
    ...timing,
    ...(draft.attendees?.length
      ? { attendees: draft.attendees.map((a) => ({ emailAddress: { address: a.email, ...(a.name ? { name: a.name } : {}) }, type: a.optional ? "optional" : "required" })) }
      : {}),
    ...(draft.reminders ? (reminder ? { isReminderOn: true, reminderMinutesBeforeStart: reminder.minutes } : { isReminderOn: false }) : {}),
    ...(draft.videoMeeting ? { isOnlineMeeting: true, onlineMeetingProvider: "teamsForBusiness" } : {}),
    ...(draft.idempotencyKey ? { transactionId: graphTransactionId(draft.idempotencyKey) } : {}),
  };
}

interface BatchRequestItem {
  id: string;
  method: "GET" | "POST" | "DELETE";
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
}

interface BatchResponseItem {
  id: string;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

function batchRequest(op: BatchOperation, index: number): BatchRequestItem {
  const id = String(index + 1);
  const headers = { Prefer: UTC_PREFERENCE };
  switch (op.kind) {
    case "create":
      return { id, method: "POST", url: `${calendarPath(op.calendarId)}/events`, headers: { ...headers, "Content-Type": "application/json" }, body: toGraphEvent(op.draft) };
    case "delete":
      return { id, method: "DELETE", url: `/me/events/${enc(op.eventId)}` };
    case "get":
      return { id, method: "GET", url: `/me/events/${enc(op.eventId)}`, headers };
    case "move":
      throw new Error("Graph has no event move; copy and delete instead");
  }
}

function header(headers: Record<string, string> | undefined, name: string): string | undefined {
  const key = Object.keys(headers ?? {}).find((k) => k.toLowerCase() === name);
  return key ? headers![key] : undefined;
}

function batchOutcome(op: BatchOperation, item: BatchResponseItem | undefined): BatchOutcome {
  if (!item) return { ok: false, status: 500, category: "transient", message: "Microsoft Graph's $batch answer had no response for this request" };
  const { status, body } = item;
  if (status >= 200 && status < 300) {
    try {
      const event = body && typeof body === "object" && typeof (body as GraphEvent).id === "string" ? fromGraphEvent(body as GraphEvent) : null;
      return { ok: true, status, event };
    } catch (error) {
      // This answer only: the other items of the $batch stand.
      if (error instanceof UnknownTimeZoneError) return { ok: false, status, category: error.category, message: error.message };
      throw error;
    }
  }
  if (op.kind === "delete" && (status === 404 || status === 410)) return { ok: true, status, event: null };
  const failure = graphFailure(status, body, header(item.headers, "retry-after"), op.kind === "get" ? "events.read" : "events.write");
  return { ok: false, status, category: failure.category, message: failure.message, ...(failure.retryAfterMs !== undefined ? { retryAfterMs: failure.retryAfterMs } : {}) };
}

export interface OutlookCalendarClientOptions {
  batchSize?: number;
}

export function createOutlookCalendarClient(accessToken: string, options: OutlookCalendarClientOptions = {}): CalendarClient {
  let mailboxZone: Promise<string | null> | undefined;
  const get = <T>(operation: GraphOperation, path: string, signal: AbortSignal, headers: Record<string, string> = {}) =>
    graphFetch<T>(accessToken, { path, signal, operation, headers: { Prefer: UTC_PREFERENCE, ...headers } }).then((r) => r.body);

  const client: CalendarClient = {
    providerId: "outlook-calendar",
    batchSize: Math.min(20, options.batchSize ?? config().CALENDAR_GRAPH_BATCH_SIZE),
    nativeMove: false,
    syncWindow: true,

    async listCalendars(signal) {
      const zone = await client.timeZone("primary", signal);
      const out: CalendarInfo[] = [];
      let path: string | undefined = "/me/calendars?$select=id,name,isDefaultCalendar,canEdit&$top=100";
      while (path) {
        const page: { value?: { id: string; name?: string; isDefaultCalendar?: boolean; canEdit?: boolean }[]; "@odata.nextLink"?: string } = await get(
          "calendars.list",
          path,
          signal,
        );
        for (const c of page.value ?? []) out.push({ id: c.id, name: c.name ?? c.id, primary: c.isDefaultCalendar === true, timeZone: zone, canEdit: c.canEdit !== false });
        path = page["@odata.nextLink"];
      }
      return out;
    },

    // Every calendar of a mailbox shares the mailbox's time zone.
    timeZone(_calendarId, signal) {
      mailboxZone ??= get<{ timeZone?: string }>("mailboxSettings.get", "/me/mailboxSettings", signal).then((s) => ianaTimeZone(s.timeZone));
      return mailboxZone.catch((error) => {
        mailboxZone = undefined;
        throw error;
      });
    },

    async listEvents(calendarId, range, signal) {
      // All-day events are floating dates that Graph places in the mailbox's zone; asking a day
      // wider either side catches those near the edges, and the timed extras are dropped below.
      const query = new URLSearchParams({
        startDateTime: new Date(range.start - DAY_MS).toISOString(),
        endDateTime: new Date(range.end + DAY_MS).toISOString(),
        $select: SELECT,
        $top: "500",
      });
      const events: ProviderEvent[] = [];
      let path: string | undefined = `${calendarPath(calendarId)}/calendarView?${query}`;
      while (path) {
        const page: { value?: GraphEvent[]; "@odata.nextLink"?: string } = await get("events.read", path, signal);
        for (const e of page.value ?? []) if (!e.isCancelled) events.push(fromGraphEvent(e));
        path = page["@odata.nextLink"];
      }
      return events.filter((e) => e.allDay || (e.start < range.end && (e.end > range.start || (e.end === e.start && e.start >= range.start))));
    },

    async createEvent(calendarId, draft, signal) {
      const { body } = await graphFetch<GraphEvent>(accessToken, {
        method: "POST",
        path: `${calendarPath(calendarId)}/events`,
        body: toGraphEvent(draft),
        headers: { Prefer: UTC_PREFERENCE },
        signal,
        operation: "events.write",
      });
      return fromGraphEvent(body);
    },

    async updateEvent(_calendarId, eventId, draft, signal) {
      const { transactionId: _ignored, ...patch } = toGraphEvent(draft);
      const { body } = await graphFetch<GraphEvent>(accessToken, {
        method: "PATCH",
        path: `/me/events/${enc(eventId)}`,
        body: patch,
        headers: { Prefer: UTC_PREFERENCE },
        signal,
        operation: "events.write",
      });
      return fromGraphEvent(body);
    },

    async deleteEvent(_calendarId, eventId, signal) {
      try {
        await graphFetch(accessToken, { method: "DELETE", path: `/me/events/${enc(eventId)}`, signal, operation: "events.write" });
      } catch (error) {
        const status = classifyGraphError(error).statusCode;
        if (status === 404 || status === 410) return;
        throw error;
      }
    },

    async batch(operations, signal) {
      if (operations.length === 0) return [];
      if (operations.length > client.batchSize) throw new Error(`At most ${client.batchSize} requests per Graph $batch`);
      const requests = operations.map(batchRequest);
      const { body } = await graphFetch<{ responses?: BatchResponseItem[] }>(accessToken, { method: "POST", path: "/$batch", body: { requests }, signal });
      // Graph answers in any order: match by id.
      const byId = new Map((body.responses ?? []).map((r) => [String(r.id), r]));
      return operations.map((op, i) => batchOutcome(op, byId.get(requests[i]!.id)));
    },

    async syncPage(calendarId, position, signal): Promise<SyncPage> {
      let path = position.continuation ?? position.cursor;
      if (!path) {
        const query = new URLSearchParams({ startDateTime: new Date(position.window.start).toISOString(), endDateTime: new Date(position.window.end).toISOString() });
        path = `${calendarPath(calendarId)}/calendarView/delta?${query}`;
      }
      const page: { value?: GraphEvent[]; "@odata.nextLink"?: string; "@odata.deltaLink"?: string } = await get("events.delta", path, signal, {
        Prefer: `${UTC_PREFERENCE}, odata.maxpagesize=100`,
      });
      const rows = page.value ?? [];
      const changed = rows.filter((e) => !e["@removed"] && !e.isCancelled && e.id).map(fromGraphEvent);
      const removedIds = rows.filter((e) => (e["@removed"] || e.isCancelled) && e.id).map((e) => e.id!);
      if (page["@odata.nextLink"]) return { changed, removedIds, next: { done: false, continuation: page["@odata.nextLink"] } };
      if (!page["@odata.deltaLink"]) throw new Error("Microsoft Graph ended a delta round without a deltaLink");
      return { changed, removedIds, next: { done: true, cursor: page["@odata.deltaLink"] } };
    },

    classify: classifyGraphError,
  };
  return client;
}
