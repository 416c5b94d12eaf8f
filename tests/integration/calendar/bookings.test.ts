// Booking events on both providers: what the provider receives (summary, description, zone,
// attendees, reminders, video meeting), the local record and events, update and cancel.
import { describe, expect, it } from "vitest";
import { createBooking, createBookingSchema, cancelBooking, getBooking, updateBooking, updateBookingSchema } from "@/lib/calendar/bookings";
import { validate } from "@/lib/http/api";
import { testClock } from "@/tests/helpers/clock";
import { signedIn, rejection } from "@/tests/integration/integrations/setup";
import { adminWithCalendars, at, useCalendarHarness } from "./setup";

const h = useCalendarHarness();
// The connection counts events as "upcoming" against the real clock, so bookings are dated in a year still ahead of it.
const { year } = testClock;

const booking = (calendar: string, extra: Record<string, unknown> = {}) =>
  validate(createBookingSchema, {
    calendar,
    reference: "BK-1042",
    client: { name: "Ada Lovelace", email: "ada@example.com", company: "Analytical Engines Ltd", phone: "+44 20 7946 0000" },
    consultant: { name: "Grace Hopper", email: "grace@plugboard.test" },
    message: "Let's talk about compilers.",
    start: `${year}-12-01T10:00`,
    end: `${year}-12-01T11:00`,
    timeZone: "Europe/Berlin",
    videoCall: true,
    ...extra,
  });

describe("bookings on Google Calendar", () => {
  it("creates the event with everything the booking says, records it, and can update and cancel it", async () => {
    const { user, google } = await adminWithCalendars(h.t.db);
    const view = await createBooking(user, booking("google-calendar"));
    expect(view).toMatchObject({
      reference: "BK-1042",
      calendar: "google-calendar",
      summary: "Consultation - Ada Lovelace",
      start: `${year}-12-01T09:00:00.000Z`,
      end: `${year}-12-01T10:00:00.000Z`,
      timeZone: "Europe/Berlin",
      videoCall: true,
    });
    expect(view.meetingUrl).toMatch(/^https:\/\/meet\.google\.com\//);

    const [event] = h.google.listEvents("primary");
    expect(event).toMatchObject({
      summary: "Consultation - Ada Lovelace",
      start: { dateTime: `${year}-12-01T10:00:00+01:00`, timeZone: "Europe/Berlin" },
      end: { dateTime: `${year}-12-01T11:00:00+01:00`, timeZone: "Europe/Berlin" },
      attendees: [
        { email: "grace@plugboard.test", displayName: "Grace Hopper" },
        { email: "ada@example.com", displayName: "Ada Lovelace" },
      ],
      reminders: {
        useDefault: false,
        overrides: [
          { method: "email", minutes: 1440 },
          { method: "popup", minutes: 30 },
        ],
      },
      extendedProperties: { private: { plugboardReference: "BK-1042" } },
    });
    for (const part of ["Company: Analytical Engines Ltd", "Email: ada@example.com", "Phone: +44 20 7946 0000", "Let's talk about compilers.", "Booking reference: BK-1042"]) {
      expect(event!.description).toContain(part);
    }
    const insert = h.google.calls.find((c) => c.method === "POST")!;
    expect(insert.query).toMatchObject({ conferenceDataVersion: "1", sendUpdates: "all" });
    expect(insert.body).toMatchObject({ start: { dateTime: `${year}-12-01T10:00:00+01:00`, timeZone: "Europe/Berlin" } });
    expect(insert.body).toMatchObject({ conferenceData: { createRequest: { conferenceSolutionKey: { type: "hangoutsMeet" } } } });

    const row = await h.t.db.calendarEvent.findFirstOrThrow({ where: { localReference: "BK-1042" } });
    expect(row).toMatchObject({ connectionId: google, source: "booking", providerEventId: event!.id, etag: event!.etag });
    expect((await h.t.db.connection.findUniqueOrThrow({ where: { id: google } })).usageValue).toBe("1 upcoming / 1 total");

    // A second booking with the same reference is refused, and nothing new reaches Google.
    expect(await rejection(createBooking(user, booking("google-calendar")))).toMatchObject({ status: 409 });
    expect(h.google.listEvents("primary")).toHaveLength(1);

    const updated = await updateBooking(user, "BK-1042", validate(updateBookingSchema, { start: `${year}-12-01T14:00`, end: `${year}-12-01T15:30`, client: { phone: "+44 1" } }));
    expect(updated).toMatchObject({ start: `${year}-12-01T13:00:00.000Z`, end: `${year}-12-01T14:30:00.000Z` });
    const [changed] = h.google.listEvents("primary");
    expect(changed).toMatchObject({ start: { dateTime: `${year}-12-01T14:00:00+01:00` }, summary: "Consultation - Ada Lovelace" });
    expect(changed!.description).toContain("Phone: +44 1");
    expect(changed!.description).toContain("Company: Analytical Engines Ltd");
    expect(await getBooking(user, "BK-1042")).toMatchObject({ start: `${year}-12-01T13:00:00.000Z` });

    expect(await cancelBooking(user, "BK-1042")).toEqual({ reference: "BK-1042", cancelled: true });
    expect(h.google.listEvents("primary")).toHaveLength(0);
    expect(await h.t.db.calendarEvent.count()).toBe(0);
    expect(await rejection(getBooking(user, "BK-1042"))).toMatchObject({ status: 404 });
  });

  it("answers 409 when the calendar is not connected, 400 for an unknown calendar, and 502 (nothing recorded) when Google fails", async () => {
    const lone = await signedIn(h.t.db);
    const notConnected = await rejection(createBooking(lone, booking("google-calendar")));
    expect(notConnected).toMatchObject({ status: 409 });
    expect(notConnected.message).toMatch(/not connected/);

    const { user } = await adminWithCalendars(h.t.db);
    const unknown = await rejection(createBooking(user, booking("google-calendar:nobody@group.calendar.google.com")));
    expect(unknown).toMatchObject({ status: 400, fields: { calendar: "No such calendar" } });
    h.google.failNext({ status: 503 }, 10);
    const down = await rejection(createBooking(user, booking("google-calendar")));
    expect(down).toMatchObject({ status: 502 });
    expect(down.message).toMatch(/Google Calendar did not create the booking's event/);
    expect(await h.t.db.calendarEvent.count()).toBe(0);
  });
});

describe("bookings on Outlook", () => {
  it("creates a Teams meeting with one reminder, and an in-person booking without one", async () => {
    const { user } = await adminWithCalendars(h.t.db);
    const view = await createBooking(user, booking("outlook-calendar"));
    expect(view.meetingUrl).toMatch(/teams\.microsoft\.com/);
    const [event] = h.graph.listEvents("primary");
    expect(event).toMatchObject({
      subject: "Consultation - Ada Lovelace",
      sentStart: { dateTime: `${year}-12-01T10:00:00`, timeZone: "Europe/Berlin" },
      isOnlineMeeting: true,
      onlineMeetingProvider: "teamsForBusiness",
      isReminderOn: true,
      reminderMinutesBeforeStart: 30,
      attendees: [
        { emailAddress: { address: "grace@plugboard.test", name: "Grace Hopper" }, type: "required" },
        { emailAddress: { address: "ada@example.com", name: "Ada Lovelace" }, type: "required" },
      ],
    });
    expect(event!.body!.content).toContain("Booking reference: BK-1042");
    expect(event!.startMs).toBe(at(`${year}-12-01T09:00:00Z`));

    await createBooking(user, booking("outlook-calendar", { reference: "BK-2", videoCall: false, location: "Office" }));
    const inPerson = h.graph.listEvents("primary").find((e) => e.subject === "Consultation - Ada Lovelace" && !e.isOnlineMeeting);
    expect(inPerson).toMatchObject({ location: { displayName: "Office" }, onlineMeeting: null });
  });
});

describe("booking input", () => {
  it("names what is wrong: unknown calendar, zone, email, and times", () => {
    expect(() => booking("gmail")).toThrow(/Unknown calendar "gmail"/);
    expect(() => booking("google-calendar", { timeZone: "Mars/Base" })).toThrow(/timeZone/);
    expect(() => booking("google-calendar", { client: { name: "A", email: "nope" } })).toThrow(/client\.email/);
    expect(() => booking("google-calendar", { unexpected: 1 })).toThrow();
  });

  it("refuses an end before the start before calling anyone", async () => {
    const { user } = await adminWithCalendars(h.t.db);
    const error = await rejection(createBooking(user, booking("google-calendar", { end: `${year}-12-01T09:00` })));
    expect(error).toMatchObject({ status: 400, fields: { end: "The booking must end after it starts" } });
    const unreadable = await rejection(createBooking(user, booking("google-calendar", { start: "next tuesday" })));
    expect(unreadable).toMatchObject({ status: 400 });
    expect(h.google.requests).toHaveLength(0);
  });
});
