// Availability: is one calendar free for a time range (failing open when it cannot be asked), and
// the free slots inside working hours, day by day, for several calendars over several weeks.
import { z } from "zod";
import { calendarRefSchema, callCalendar, formatCalendarRef, openCalendar, parseCalendarRef, providerName, type CalendarRef, type CalendarSession } from "@/lib/calendar/session";
import {
  addDays,
  isoWeekday,
  isValidDate,
  isValidTime,
  isValidTimeZone,
  localDate,
  localTime,
  minutesOf,
  parseDateTimeIn,
  startOfDay,
  zonedToInstant,
} from "@/lib/integrations/kit/time";
import { CalendarNotConnectedError } from "@/lib/calendar/token-source";
import type { ProviderEvent } from "@/lib/integrations/kit/ports/calendar";
import { getDb } from "@/lib/db/client";
import { logger } from "@/lib/log";

export interface Interval {
  start: number;
  end: number;
}

/** An event's interval; all-day events run from midnight to midnight in the calendar's zone. */
export function eventInterval(event: ProviderEvent, timeZone: string): Interval {
  if (event.allDay)
    return { start: startOfDay(event.startDate, timeZone), end: startOfDay(event.endDate > event.startDate ? event.endDate : addDays(event.startDate, 1), timeZone) };
  return { start: event.start, end: Math.max(event.end, event.start) };
}

/**
 * Half-open overlap: an event ending exactly when the range starts (or starting exactly when it
 * ends) does not conflict. A zero-length event conflicts when it falls inside the range.
 */
export function overlaps(a: Interval, range: Interval): boolean {
  if (a.start === a.end) return a.start >= range.start && a.start < range.end;
  return a.start < range.end && a.end > range.start;
}

export interface Conflict {
  title: string;
  start: string;
  end: string;
  allDay: boolean;
}

/** The busy events overlapping the range, earliest first. */
export function findConflicts(events: readonly ProviderEvent[], range: Interval, timeZone: string): Conflict[] {
  return events
    .filter((e) => e.busy && e.status !== "cancelled")
    .map((e) => ({ e, interval: eventInterval(e, timeZone) }))
    .filter(({ interval }) => overlaps(interval, range))
    .sort((a, b) => a.interval.start - b.interval.start)
    .map(({ e, interval }) => ({ title: e.title, start: new Date(interval.start).toISOString(), end: new Date(interval.end).toISOString(), allDay: e.allDay }));
}

// ---------------------------------------------------------------------------------------------
// One calendar, one range (fails open)

export interface AvailabilityResult {
  calendar: string;
  start: string;
  end: string;
  available: boolean;
  /** False when the calendar could not be asked and the answer is the fail-open default. */
  checked: boolean;
  conflicts: Conflict[];
  message: string;
  /** Why the calendar was not checked (fail-open answers only). */
  note?: string;
}

export const MAX_CHECK_RANGE_MS = 31 * 86_400_000;

export async function checkAvailability(workspaceId: string, ref: CalendarRef, range: Interval, actor: string): Promise<AvailabilityResult> {
  const name = formatCalendarRef(ref);
  const base = { calendar: name, start: new Date(range.start).toISOString(), end: new Date(range.end).toISOString() };
  // Bookings must never break because a calendar is down: every failure answers "available".
  const failOpen = (reason: string, extra: Record<string, unknown> = {}): AvailabilityResult => {
    logger.warn("calendar availability not checked; failing open", { workspaceId, calendar: name, reason, ...extra });
    return { ...base, available: true, checked: false, conflicts: [], message: "Treated as available: the calendar could not be checked", note: reason };
  };
  let session: CalendarSession;
  try {
    session = await openCalendar(workspaceId, ref, actor);
  } catch (error) {
    if (error instanceof CalendarNotConnectedError) return failOpen(error.message);
    return failOpen(`${providerName(ref.providerId)} could not be opened`, { error });
  }
  const result = await callCalendar(session, "availability.check", async (client, signal) => {
    const events = await client.listEvents(ref.calendarId, range, signal);
    // All-day events need the owner's zone to know when their day starts.
    const timeZone = events.some((e) => e.allDay) ? ((await client.timeZone(ref.calendarId, signal)) ?? "UTC") : "UTC";
    return { events, timeZone };
  });
  if (!result.ok) return failOpen(`${providerName(ref.providerId)} could not be checked: ${result.message}`, { category: result.category });
  const conflicts = findConflicts(result.value.events, range, result.value.timeZone);
  return {
    ...base,
    available: conflicts.length === 0,
    checked: true,
    conflicts,
    message: conflicts.length === 0 ? "Available: no events in this time" : `Busy: ${conflicts.length} event${conflicts.length === 1 ? "" : "s"} in this time`,
  };
}

// ---------------------------------------------------------------------------------------------
// Working hours

export interface WorkingHours {
  /** IANA zone; null: the zone the provider reports for the calendar. */
  timeZone: string | null;
  dayStart: string;
  dayEnd: string;
  /** ISO weekdays, 1 = Monday. */
  weekdays: number[];
}

export const DEFAULT_WORKING_HOURS: WorkingHours = { timeZone: null, dayStart: "09:00", dayEnd: "17:00", weekdays: [1, 2, 3, 4, 5] };

const weekday = z.number().int().min(1, { message: "Weekdays run from 1 (Monday) to 7 (Sunday)" }).max(7, { message: "Weekdays run from 1 (Monday) to 7 (Sunday)" });

/** The fields of a working-hours body (shared by the settings route). */
export const workingHoursFields = {
  timeZone: z.string().refine(isValidTimeZone, { message: 'Unknown time zone: use an IANA name such as "Europe/Berlin"' }).nullable().default(null),
  dayStart: z.string().refine(isValidTime, { message: 'Use HH:MM, e.g. "09:00"' }).default("09:00"),
  dayEnd: z.string().refine(isValidTime, { message: 'Use HH:MM, e.g. "17:00"' }).default("17:00"),
  weekdays: z
    .array(weekday)
    .max(7)
    .default([1, 2, 3, 4, 5])
    .transform((days) => [...new Set(days)].sort()),
};

/** Working hours cannot cross midnight. */
export const hoursInOrder: [(h: { dayStart: string; dayEnd: string }) => boolean, { message: string; path: string[] }] = [
  (h) => minutesOf(h.dayEnd) > minutesOf(h.dayStart),
  { message: "dayEnd must be after dayStart (working hours cannot cross midnight)", path: ["dayEnd"] },
];

export const workingHoursSchema = z.strictObject(workingHoursFields).refine(...hoursInOrder);

export async function readWorkingHours(connectionId: string, calendarId: string): Promise<WorkingHours & { stored: boolean }> {
  const db = await getDb();
  const row = await db.calendarWorkingHours.findUnique({ where: { connectionId_calendarId: { connectionId, calendarId } } });
  if (!row) return { ...DEFAULT_WORKING_HOURS, stored: false };
  return { timeZone: row.timeZone, dayStart: row.dayStart, dayEnd: row.dayEnd, weekdays: row.weekdays, stored: true };
}

// ---------------------------------------------------------------------------------------------
// Days and free slots (pure)

export interface FreeSlot {
  start: string;
  end: string;
  /** Wall-clock times in the calendar's zone. */
  startLocal: string;
  endLocal: string;
  minutes: number;
}

export interface DayAvailability {
  date: string;
  weekday: number;
  weekend: boolean;
  workingDay: boolean;
  /** An all-day event takes the whole day. */
  blockedAllDay: boolean;
  /** Events touching the day (local midnight to midnight). */
  events: number;
  freeSlots: FreeSlot[];
  freeMinutes: number;
}

function mergeIntervals(intervals: Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out.at(-1);
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else out.push({ ...i });
  }
  return out;
}

/** Per local day from `startDate`: events, whether blocked, and the free slots inside working hours. */
export function computeDays(events: readonly ProviderEvent[], options: { startDate: string; days: number; timeZone: string; hours: WorkingHours }): DayAvailability[] {
  const { timeZone, hours } = options;
  const live = events.filter((e) => e.status !== "cancelled");
  const timedBusy = live.filter((e) => e.busy && !e.allDay).map((e) => eventInterval(e, timeZone));
  const out: DayAvailability[] = [];
  for (let i = 0; i < options.days; i++) {
    const date = addDays(options.startDate, i);
    const weekday = isoWeekday(date);
    // Days are measured between local midnights: 23 or 25 hours on daylight-saving changes.
    const day = { start: startOfDay(date, timeZone), end: startOfDay(addDays(date, 1), timeZone) };
    const count = live.filter((e) =>
      e.allDay ? e.startDate <= date && date < (e.endDate > e.startDate ? e.endDate : addDays(e.startDate, 1)) : overlaps(eventInterval(e, timeZone), day),
    ).length;
    const blockedAllDay = live.some((e) => e.allDay && e.busy && e.startDate <= date && date < (e.endDate > e.startDate ? e.endDate : addDays(e.startDate, 1)));
    const workingDay = hours.weekdays.includes(weekday);
    const freeSlots: FreeSlot[] = [];
    if (workingDay && !blockedAllDay) {
      const work = { start: zonedToInstant(date, hours.dayStart, timeZone), end: zonedToInstant(date, hours.dayEnd, timeZone) };
      const busy = mergeIntervals(timedBusy.filter((b) => overlaps(b, work)).map((b) => ({ start: Math.max(b.start, work.start), end: Math.min(b.end, work.end) })));
      let cursor = work.start;
      for (const b of [...busy, { start: work.end, end: work.end }]) {
        if (b.start > cursor) {
          freeSlots.push({
            start: new Date(cursor).toISOString(),
            end: new Date(b.start).toISOString(),
            startLocal: localTime(cursor, timeZone),
            endLocal: localTime(b.start, timeZone),
            minutes: Math.round((b.start - cursor) / 60_000),
          });
        }
        cursor = Math.max(cursor, b.end);
      }
    }
    out.push({ date, weekday, weekend: weekday >= 6, workingDay, blockedAllDay, events: count, freeSlots, freeMinutes: freeSlots.reduce((n, s) => n + s.minutes, 0) });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Several calendars over several weeks

export interface CalendarWeeks {
  calendar: string;
  ok: boolean;
  /** Why this calendar has no days (the others are unaffected). */
  error?: string;
  timeZone: string | null;
  /** Set when the zone is a fallback rather than the owner's. */
  timeZoneNote?: string;
  workingHours: WorkingHours;
  startDate: string | null;
  days: DayAvailability[];
}

export interface WeeksQuery {
  /** Local date; default today in each calendar's zone. */
  startDate?: string;
  weeks: number;
}

export const MAX_WEEKS = 12;

async function calendarWeeks(workspaceId: string, ref: CalendarRef, query: WeeksQuery, actor: string, now: number): Promise<CalendarWeeks> {
  const calendar = formatCalendarRef(ref);
  const failed = (error: string, hours: WorkingHours = DEFAULT_WORKING_HOURS): CalendarWeeks => ({
    calendar,
    ok: false,
    error,
    timeZone: hours.timeZone,
    workingHours: hours,
    startDate: null,
    days: [],
  });
  let session: CalendarSession;
  try {
    session = await openCalendar(workspaceId, ref, actor);
  } catch (error) {
    if (error instanceof CalendarNotConnectedError) return failed(error.message);
    logger.error("could not open calendar", { workspaceId, calendar, error });
    return failed(`${providerName(ref.providerId)} could not be opened`);
  }
  const stored = await readWorkingHours(session.connectionId, ref.calendarId);
  const { stored: _stored, ...hours } = stored;
  const result = await callCalendar(session, "availability.weeks", async (client, signal) => {
    const reported = hours.timeZone ? null : await client.timeZone(ref.calendarId, signal);
    const timeZone = hours.timeZone ?? (reported && isValidTimeZone(reported) ? reported : null);
    const zone = timeZone ?? "UTC";
    const startDate = query.startDate ?? localDate(now, zone);
    const range = { start: startOfDay(startDate, zone), end: startOfDay(addDays(startDate, query.weeks * 7), zone) };
    const events = await client.listEvents(ref.calendarId, range, signal);
    return { timeZone, zone, startDate, events };
  });
  if (!result.ok) {
    logger.warn("calendar availability failed for one calendar", { workspaceId, calendar, category: result.category });
    return failed(`${providerName(ref.providerId)} could not be checked: ${result.message}`, hours);
  }
  const { timeZone, zone, startDate, events } = result.value;
  return {
    calendar,
    ok: true,
    timeZone: zone,
    ...(timeZone ? {} : { timeZoneNote: "The calendar's time zone is unknown: times are in UTC. Set a time zone in its working hours." }),
    workingHours: { ...hours, timeZone: zone },
    startDate,
    days: computeDays(events, { startDate, days: query.weeks * 7, timeZone: zone, hours }),
  };
}

/** Every calendar is asked at the same time; one calendar's failure shows on that calendar only. */
export async function multiWeekAvailability(
  workspaceId: string,
  refs: CalendarRef[],
  query: WeeksQuery,
  actor: string,
  now = Date.now(),
): Promise<{ weeks: number; calendars: CalendarWeeks[] }> {
  if (query.startDate && !isValidDate(query.startDate)) throw new RangeError("startDate must be YYYY-MM-DD");
  const calendars = await Promise.all(refs.map((ref) => calendarWeeks(workspaceId, ref, query, actor, now)));
  return { weeks: query.weeks, calendars };
}

// ---------------------------------------------------------------------------------------------
// Query strings

/** GET /api/calendar/availability?calendar&start&end[&timeZone]. */
export const availabilityQuerySchema = z
  .strictObject({
    calendar: calendarRefSchema,
    start: z.string({ error: "start is required (e.g. 2026-12-01T10:00)" }).max(40),
    end: z.string({ error: "end is required (e.g. 2026-12-01T11:00)" }).max(40),
    /** How to read start and end when they carry no offset. */
    timeZone: z.string().refine(isValidTimeZone, { message: 'Unknown time zone: use an IANA name such as "Europe/Berlin"' }).default("UTC"),
  })
  .transform((q, ctx) => {
    const start = parseDateTimeIn(q.start, q.timeZone);
    const end = parseDateTimeIn(q.end, q.timeZone);
    if (start === null) ctx.addIssue({ code: "custom", path: ["start"], message: "Not a date-time: use e.g. 2026-12-01T10:00 or 2026-12-01T10:00:00Z" });
    if (end === null) ctx.addIssue({ code: "custom", path: ["end"], message: "Not a date-time: use e.g. 2026-12-01T11:00 or 2026-12-01T11:00:00Z" });
    if (start === null || end === null) return z.NEVER;
    if (end <= start) ctx.addIssue({ code: "custom", path: ["end"], message: "The range must end after it starts" });
    else if (end - start > MAX_CHECK_RANGE_MS) ctx.addIssue({ code: "custom", path: ["end"], message: "Check at most 31 days at once" });
    return { calendar: q.calendar, range: { start, end } };
  });

/** GET /api/calendar/availability/weeks?calendars=a,b[&start=YYYY-MM-DD][&weeks=4]. */
export const weeksQuerySchema = z.strictObject({
  calendars: z.string({ error: "calendars is required: a comma-separated list such as google-calendar,outlook-calendar" }).transform((value, ctx): CalendarRef[] => {
    const names = value
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    if (names.length === 0 || names.length > 10) {
      ctx.addIssue({ code: "custom", message: "Name between 1 and 10 calendars, separated by commas" });
      return z.NEVER;
    }
    const refs: CalendarRef[] = [];
    for (const name of names) {
      const parsed = parseCalendarRef(name);
      if ("error" in parsed) ctx.addIssue({ code: "custom", message: parsed.error });
      else refs.push(parsed);
    }
    return refs;
  }),
  start: z.string().refine(isValidDate, { message: "Use a date: YYYY-MM-DD" }).optional(),
  weeks: z.coerce
    .number({ error: "weeks must be a number" })
    .int({ message: "weeks must be a whole number" })
    .min(1, { message: "At least 1 week" })
    .max(MAX_WEEKS, { message: `At most ${MAX_WEEKS} weeks` })
    .default(4),
});
