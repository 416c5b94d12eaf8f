// Booking events: a consultation booked with a consultant becomes one calendar event with both as
// attendees, reminders, and (for video calls) a Google Meet or Teams meeting. The booking as sent
// is kept with the local record, so updates rebuild the event from it.
import { z } from "zod";
import { callCalendar, formatCalendarRef, openCalendarForRequest, providerFailure, providerName, calendarRefSchema, type CalendarRef, userActor } from "@/lib/calendar/session";
import { recordFields, updateUsage } from "@/lib/calendar/records";
import { isValidTimeZone, parseDateTimeIn } from "@/lib/integrations/kit/time";
import type { EventDraft, ProviderEvent } from "@/lib/integrations/kit/ports/calendar";
import type { SessionUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { emitEvent } from "@/lib/events";
import type { Prisma } from "@/lib/generated/prisma/client";
import { ApiError, badRequest, notFound, validate } from "@/lib/http/api";

export const BOOKING_REMINDERS = [
  { method: "email", minutes: 24 * 60 },
  { method: "popup", minutes: 30 },
] as const;

const MAX_BOOKING_MS = 24 * 3600_000;

export const timeZoneSchema = z.string().refine(isValidTimeZone, { message: 'Unknown time zone: use an IANA name such as "Europe/Berlin"' });
const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max, { message: `At most ${max} characters` });
const dateTime = z.string().max(40).describe("ISO date-time; without an offset it is read in timeZone");

const bookingFields = {
  client: z.strictObject({
    name: text(200).min(1, { message: "The client's name is required" }),
    email: z.email({ message: "Must be an email address" }),
    company: text(200).optional(),
    phone: text(50).optional(),
  }),
  consultant: z.strictObject({
    name: text(200).optional(),
    email: z.email({ message: "Must be an email address" }),
  }),
  message: text(5000).optional(),
  start: dateTime,
  end: dateTime,
  timeZone: timeZoneSchema,
  videoCall: z.boolean().default(false),
  location: text(500).optional(),
};

export const bookingReferenceSchema = z
  .string()
  .trim()
  .min(1, { message: "A booking reference is required" })
  .max(100, { message: "At most 100 characters" })
  .regex(/^[\w.:#/-]+$/, { message: "Use letters, digits and . _ - : # / only" });

export const createBookingSchema = z.strictObject({ calendar: calendarRefSchema, reference: bookingReferenceSchema, ...bookingFields });
export const updateBookingSchema = z
  .strictObject({ ...bookingFields, client: bookingFields.client.partial(), consultant: bookingFields.consultant.partial(), videoCall: z.boolean() })
  .partial();

/** The booking fields as stored with the event (everything but calendar and reference). */
const storedBookingSchema = z.object(bookingFields);
type BookingFields = z.infer<typeof storedBookingSchema>;
export type CreateBookingInput = z.infer<typeof createBookingSchema>;
export type UpdateBookingInput = z.infer<typeof updateBookingSchema>;

export interface BookingView {
  reference: string;
  calendar: string;
  eventId: string;
  summary: string | null;
  start: string | null;
  end: string | null;
  timeZone: string | null;
  meetingUrl: string | null;
  videoCall: boolean;
}

/** Start and end as instants, or a 400 naming what is wrong. */
function bookingTimes(fields: BookingFields): { start: number; end: number } {
  const start = parseDateTimeIn(fields.start, fields.timeZone);
  const end = parseDateTimeIn(fields.end, fields.timeZone);
  const problems: Record<string, string> = {};
  if (start === null) problems.start = "Not a date-time: use e.g. 2026-12-01T10:00 (read in timeZone) or 2026-12-01T10:00:00+01:00";
  if (end === null) problems.end = "Not a date-time: use e.g. 2026-12-01T11:00 (read in timeZone) or 2026-12-01T11:00:00+01:00";
  if (start !== null && end !== null && end <= start) problems.end = "The booking must end after it starts";
  if (start !== null && end !== null && end - start > MAX_BOOKING_MS) problems.end = "A booking can last at most 24 hours";
  if (Object.keys(problems).length) throw badRequest(`Invalid ${Object.keys(problems).join(", ")}: ${Object.values(problems).join("; ")}`, problems);
  return { start: start!, end: end! };
}

export function bookingDescription(reference: string, fields: BookingFields): string {
  const lines = [`Consultation with ${fields.client.name}`, ""];
  if (fields.client.company) lines.push(`Company: ${fields.client.company}`);
  lines.push(`Email: ${fields.client.email}`);
  if (fields.client.phone) lines.push(`Phone: ${fields.client.phone}`);
  if (fields.message) lines.push("", "Message:", fields.message);
  lines.push("", `Booking reference: ${reference}`);
  return lines.join("\n");
}

/** The calendar event a booking becomes. */
export function bookingDraft(workspaceId: string, reference: string, fields: BookingFields): EventDraft {
  const { start, end } = bookingTimes(fields);
  return {
    allDay: false,
    start,
    end,
    timeZone: fields.timeZone,
    summary: `Consultation - ${fields.client.name}`,
    description: bookingDescription(reference, fields),
    ...(fields.location ? { location: fields.location } : {}),
    attendees: [
      { email: fields.consultant.email, ...(fields.consultant.name ? { name: fields.consultant.name } : {}) },
      { email: fields.client.email, name: fields.client.name },
    ],
    reminders: BOOKING_REMINDERS.map((r) => ({ ...r })),
    videoMeeting: fields.videoCall,
    notifyAttendees: true,
    idempotencyKey: `booking:${workspaceId}:${reference}`,
    reference,
  };
}

type BookingRow = Prisma.CalendarEventGetPayload<object>;

function view(row: BookingRow): BookingView {
  const details = storedBookingSchema.safeParse(row.details);
  return {
    reference: row.localReference ?? "",
    calendar: formatCalendarRef({ providerId: row.providerId as CalendarRef["providerId"], calendarId: row.calendarId }),
    eventId: row.providerEventId,
    summary: row.summary,
    start: row.startsAt?.toISOString() ?? null,
    end: row.endsAt?.toISOString() ?? null,
    timeZone: row.timeZone,
    meetingUrl: row.meetingUrl,
    videoCall: details.success ? details.data.videoCall : false,
  };
}

async function findBooking(workspaceId: string, reference: string): Promise<BookingRow> {
  const db = await getDb();
  const row = await db.calendarEvent.findFirst({ where: { workspaceId, localReference: reference, source: "booking" } });
  if (!row) throw notFound(`No booking "${reference.slice(0, 100)}" has a calendar event in this workspace`);
  return row;
}

export async function getBooking(user: SessionUser, reference: string): Promise<BookingView> {
  return view(await findBooking(user.workspaceId, validate(bookingReferenceSchema, reference, "reference")));
}

function stored(event: ProviderEvent, fields: BookingFields, draft: EventDraft) {
  // The zone is the booking's, whatever the provider echoes.
  return { ...recordFields(event), timeZone: draft.timeZone, details: fields as unknown as Prisma.InputJsonValue };
}

export async function createBooking(user: SessionUser, input: CreateBookingInput): Promise<BookingView> {
  const { calendar, reference, ...fields } = input;
  const draft = bookingDraft(user.workspaceId, reference, fields);
  const db = await getDb();
  if (await db.calendarEvent.findFirst({ where: { workspaceId: user.workspaceId, localReference: reference, source: "booking" }, select: { id: true } })) {
    throw new ApiError(409, `Booking ${reference} already has a calendar event: update or cancel it instead`);
  }
  const session = await openCalendarForRequest(user.workspaceId, calendar, userActor(user));
  const result = await callCalendar(session, "booking.create", (client, signal) => client.createEvent(calendar.calendarId, draft, signal));
  if (!result.ok && result.statusCode === 404) {
    throw new ApiError(400, `Unknown calendar "${formatCalendarRef(calendar).slice(0, 120)}": ${providerName(calendar.providerId)} has no such calendar in the connected account`, {
      calendar: "No such calendar",
    });
  }
  if (!result.ok) throw providerFailure(result, `${providerName(calendar.providerId)} did not create the booking's event`);
  const event = result.value;
  const row = await db.$transaction(async (tx) => {
    const created = await tx.calendarEvent.upsert({
      where: { connectionId_calendarId_providerEventId: { connectionId: session.connectionId, calendarId: calendar.calendarId, providerEventId: event.id } },
      create: {
        workspaceId: user.workspaceId,
        connectionId: session.connectionId,
        providerId: calendar.providerId,
        calendarId: calendar.calendarId,
        providerEventId: event.id,
        localReference: reference,
        source: "booking",
        ...stored(event, fields, draft),
      },
      update: { localReference: reference, source: "booking", ...stored(event, fields, draft) },
    });
    await emitEvent(tx, {
      workspaceId: user.workspaceId,
      type: "booking.created",
      data: { bookingReference: reference, providerId: calendar.providerId, eventId: event.id, start: created.startsAt?.toISOString(), end: created.endsAt?.toISOString() },
    });
    await updateUsage(tx, session.connectionId);
    return created;
  });
  return view(row);
}

export async function updateBooking(user: SessionUser, reference: string, patch: UpdateBookingInput): Promise<BookingView> {
  const row = await findBooking(user.workspaceId, validate(bookingReferenceSchema, reference, "reference"));
  const previous = storedBookingSchema.safeParse(row.details);
  if (!previous.success) throw new ApiError(409, `Booking ${reference} was not created through Plugboard's booking API and cannot be updated here`);
  const merged = validate(storedBookingSchema, {
    ...previous.data,
    ...patch,
    client: { ...previous.data.client, ...patch.client },
    consultant: { ...previous.data.consultant, ...patch.consultant },
  });
  const draft = bookingDraft(user.workspaceId, reference, merged);
  const providerId = row.providerId as CalendarRef["providerId"];
  // The connection that holds the event, whichever account is the default now.
  const session = await openCalendarForRequest(user.workspaceId, { providerId, connectionId: row.connectionId }, userActor(user));
  const result = await callCalendar(session, "booking.update", (client, signal) => client.updateEvent(row.calendarId, row.providerEventId, draft, signal));
  if (!result.ok) throw providerFailure(result, `${providerName(providerId)} did not update the booking's event`);
  const db = await getDb();
  const saved = await db.$transaction(async (tx) => {
    const updated = await tx.calendarEvent.update({ where: { id: row.id }, data: stored(result.value, merged, draft) });
    await emitEvent(tx, { workspaceId: user.workspaceId, type: "booking.updated", data: { bookingReference: reference, eventId: row.providerEventId } });
    return updated;
  });
  return view(saved);
}

export async function cancelBooking(user: SessionUser, reference: string): Promise<{ reference: string; cancelled: true }> {
  const row = await findBooking(user.workspaceId, validate(bookingReferenceSchema, reference, "reference"));
  const providerId = row.providerId as CalendarRef["providerId"];
  const session = await openCalendarForRequest(user.workspaceId, { providerId, connectionId: row.connectionId }, userActor(user));
  const result = await callCalendar(session, "booking.delete", (client, signal) => client.deleteEvent(row.calendarId, row.providerEventId, signal));
  if (!result.ok) throw providerFailure(result, `${providerName(providerId)} did not delete the booking's event`);
  const db = await getDb();
  await db.$transaction(async (tx) => {
    await tx.calendarEvent.deleteMany({ where: { id: row.id } });
    await emitEvent(tx, { workspaceId: user.workspaceId, type: "booking.cancelled", data: { bookingReference: reference, eventId: row.providerEventId } });
    await updateUsage(tx, session.connectionId);
  });
  return { reference, cancelled: true };
}
