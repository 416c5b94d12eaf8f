// What the calendar page reads: the workspace's calendars per provider, their working hours,
// and the next events from the local records (no provider call).
import { z } from "zod";
import { hoursInOrder, readWorkingHours, workingHoursFields, type WorkingHours } from "@/lib/calendar/availability";
import {
  calendarProviderIds,
  calendarRefSchema,
  callCalendar,
  formatCalendarRef,
  openCalendar,
  openCalendarForRequest,
  providerName,
  type CalendarRef,
  userActor,
} from "@/lib/calendar/session";
import { CalendarNotConnectedError } from "@/lib/calendar/token-source";
import { type CalendarInfo, type CalendarProviderId } from "@/lib/integrations/kit/ports/calendar";
import type { SessionUser } from "@/lib/auth/session";
import { recordAudit } from "@/lib/audit";
import { getDb } from "@/lib/db/client";
import { LIVE, providerDefault } from "@/lib/connections/choose";

export interface ProviderCalendars {
  providerId: CalendarProviderId;
  name: string;
  /** The connection (account) these calendars belong to; null when the provider is not connected. */
  connectionId: string | null;
  accountLabel: string | null;
  connected: boolean;
  calendars: (CalendarInfo & { ref: string })[];
  /** Why there are no calendars (not connected, or the provider failed). */
  message?: string;
}

/**
 * Each calendar connection with its calendars, asked live (a provider without one says it is not
 * connected); a failing connection says so and the others still answer. Refs name the connection
 * where the workspace holds several accounts of the provider.
 */
export async function listCalendars(user: SessionUser): Promise<ProviderCalendars[]> {
  const db = await getDb();
  const rows = await db.connection.findMany({
    where: { workspaceId: user.workspaceId, providerId: { in: calendarProviderIds() }, ...LIVE },
    select: { id: true, providerId: true, accountLabel: true },
    orderBy: { createdAt: "asc" },
  });
  type Target = { providerId: CalendarProviderId; connection: (typeof rows)[number] | null; named: boolean };
  const targets = calendarProviderIds().flatMap((providerId): Target[] => {
    const own = rows.filter((r) => r.providerId === providerId);
    return own.length === 0 ? [{ providerId, connection: null, named: false }] : own.map((connection) => ({ providerId, connection, named: own.length > 1 }));
  });
  return Promise.all(
    targets.map(async ({ providerId, connection, named }): Promise<ProviderCalendars> => {
      const name = providerName(providerId);
      const base = { providerId, name, connectionId: connection?.id ?? null, accountLabel: connection?.accountLabel ?? null };
      let session;
      try {
        session = await openCalendar(user.workspaceId, { providerId, connectionId: connection?.id }, userActor(user));
      } catch (error) {
        if (error instanceof CalendarNotConnectedError) return { ...base, connected: false, calendars: [], message: error.message };
        throw error;
      }
      const result = await callCalendar(session, "calendars.list", (client, signal) => client.listCalendars(signal));
      if (!result.ok) return { ...base, connected: true, calendars: [], message: `${name} could not list its calendars: ${result.message}` };
      const calendars = result.value
        .map((c) => ({
          ...c,
          ref: formatCalendarRef({ providerId, calendarId: c.primary ? "primary" : c.id, ...(named ? { connectionId: session.connectionId } : {}) }),
        }))
        .sort((a, b) => Number(b.primary) - Number(a.primary) || a.name.localeCompare(b.name));
      return { ...base, connected: true, calendars };
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Working hours

export const workingHoursQuerySchema = z.strictObject({ calendar: calendarRefSchema });
export const workingHoursBodySchema = z.strictObject({ calendar: calendarRefSchema, ...workingHoursFields }).refine(...hoursInOrder);

async function connectionOf(workspaceId: string, ref: CalendarRef): Promise<string> {
  const db = await getDb();
  const id = ref.connectionId ?? (await providerDefault(db, workspaceId, ref.providerId))?.id;
  const row = id ? await db.connection.findFirst({ where: { id, workspaceId, providerId: ref.providerId, ...LIVE }, select: { id: true } }) : null;
  // Same answer as any other use of a calendar that is not connected.
  if (!row) await openCalendarForRequest(workspaceId, ref, "system");
  return row!.id;
}

export async function getWorkingHours(user: SessionUser, ref: CalendarRef): Promise<WorkingHours & { calendar: string; stored: boolean }> {
  const connectionId = await connectionOf(user.workspaceId, ref);
  return { calendar: formatCalendarRef(ref), ...(await readWorkingHours(connectionId, ref.calendarId)) };
}

export async function saveWorkingHours(user: SessionUser, input: z.infer<typeof workingHoursBodySchema>): Promise<WorkingHours & { calendar: string; stored: boolean }> {
  const { calendar, ...hours } = input;
  const connectionId = await connectionOf(user.workspaceId, calendar);
  const db = await getDb();
  await db.$transaction(async (tx) => {
    await tx.calendarWorkingHours.upsert({
      where: { connectionId_calendarId: { connectionId, calendarId: calendar.calendarId } },
      create: { workspaceId: user.workspaceId, connectionId, calendarId: calendar.calendarId, ...hours },
      update: hours,
    });
    await recordAudit(tx, { workspaceId: user.workspaceId, actor: userActor(user), action: "calendar.working_hours", target: formatCalendarRef(calendar), details: { ...hours } });
  });
  return { calendar: formatCalendarRef(calendar), ...hours, stored: true };
}

// ---------------------------------------------------------------------------------------------
// Next events (local records)

export const eventsQuerySchema = z.strictObject({
  calendar: calendarRefSchema.optional(),
  limit: z.coerce.number({ error: "limit must be a number" }).int().min(1, { message: "At least 1" }).max(100, { message: "At most 100" }).default(10),
});

export interface LocalEvent {
  calendar: string;
  eventId: string;
  summary: string | null;
  start: string | null;
  end: string | null;
  allDay: boolean;
  status: string;
  source: "booking" | "batch" | "sync";
  reference: string | null;
  meetingUrl: string | null;
}

export async function nextEvents(workspaceId: string, query: z.infer<typeof eventsQuerySchema>, now = new Date()): Promise<LocalEvent[]> {
  const db = await getDb();
  const rows = await db.calendarEvent.findMany({
    where: {
      workspaceId,
      status: { not: "cancelled" },
      endsAt: { gt: now },
      ...(query.calendar
        ? { providerId: query.calendar.providerId, calendarId: query.calendar.calendarId, ...(query.calendar.connectionId ? { connectionId: query.calendar.connectionId } : {}) }
        : {}),
    },
    orderBy: [{ startsAt: "asc" }, { id: "asc" }],
    take: query.limit,
  });
  return rows.map((r) => ({
    calendar: formatCalendarRef({ providerId: r.providerId as CalendarProviderId, calendarId: r.calendarId }),
    eventId: r.providerEventId,
    summary: r.summary,
    start: r.startsAt?.toISOString() ?? null,
    end: r.endsAt?.toISOString() ?? null,
    allDay: r.allDay,
    status: r.status,
    source: r.source,
    reference: r.localReference,
    meetingUrl: r.meetingUrl,
  }));
}
