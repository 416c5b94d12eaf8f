// Availability against the fake providers: conflicts at the edges of a range, all-day events in
// the owner's zone, failing open (not connected, provider down) with the failure logged, and
// several calendars over several weeks where one calendar's failure stays on that calendar.
import { afterEach, describe, expect, it, vi } from "vitest";
import { checkAvailability, multiWeekAvailability } from "@/lib/calendar/availability";
import { saveWorkingHours } from "@/lib/calendar/calendars";
import { logger } from "@/lib/log";
import { signedIn } from "@/tests/integration/integrations/setup";
import { adminWithCalendars, at, useCalendarHarness } from "./setup";

const h = useCalendarHarness();
afterEach(() => vi.restoreAllMocks());

const google = { providerId: "google-calendar" as const, calendarId: "primary" };
const outlook = { providerId: "outlook-calendar" as const, calendarId: "primary" };
const range = { start: at("2026-12-01T10:00:00Z"), end: at("2026-12-01T11:00:00Z") };

describe("availability of one calendar", () => {
  it("reports overlapping events as conflicts and touching ones as free (Google)", async () => {
    const { user } = await adminWithCalendars(h.t.db);
    h.google.addEvent("primary", { summary: "Before", start: { dateTime: "2026-12-01T09:00:00Z" }, end: { dateTime: "2026-12-01T10:00:00Z" } });
    h.google.addEvent("primary", { summary: "After", start: { dateTime: "2026-12-01T11:00:00Z" }, end: { dateTime: "2026-12-01T12:00:00Z" } });
    const free = await checkAvailability(user.workspaceId, google, range, "test");
    expect(free).toMatchObject({ available: true, checked: true, conflicts: [] });

    h.google.addEvent("primary", { summary: "Overlap", start: { dateTime: "2026-12-01T10:59:00Z" }, end: { dateTime: "2026-12-01T11:30:00Z" } });
    h.google.addEvent("primary", { summary: "Marked free", transparency: "transparent", start: { dateTime: "2026-12-01T10:15:00Z" }, end: { dateTime: "2026-12-01T10:30:00Z" } });
    const busy = await checkAvailability(user.workspaceId, google, range, "test");
    expect(busy).toMatchObject({ available: false, checked: true, message: "Busy: 1 event in this time" });
    expect(busy.conflicts).toEqual([{ title: "Overlap", start: "2026-12-01T10:59:00.000Z", end: "2026-12-01T11:30:00.000Z", allDay: false }]);
    // One call, through the pipeline: one activity row on the connection.
    expect(await h.t.db.integrationActivity.count({ where: { operation: "availability.check", outcome: "success" } })).toBe(2);
  });

  it("blocks all-day events from midnight in the calendar owner's zone (Outlook)", async () => {
    const { user } = await adminWithCalendars(h.t.db);
    // The mailbox is in W. Europe Standard Time: 2026-12-02 starts at 2026-12-01T23:00Z.
    h.graph.addEvent("primary", { subject: "Holiday", isAllDay: true, startMs: at("2026-12-02T00:00:00Z"), endMs: at("2026-12-03T00:00:00Z") });
    const late = await checkAvailability(user.workspaceId, outlook, { start: at("2026-12-01T22:00:00Z"), end: at("2026-12-01T23:00:00Z") }, "test");
    expect(late).toMatchObject({ available: true, checked: true });
    const overlapping = await checkAvailability(user.workspaceId, outlook, { start: at("2026-12-01T22:30:00Z"), end: at("2026-12-01T23:30:00Z") }, "test");
    expect(overlapping).toMatchObject({ available: false, conflicts: [{ title: "Holiday", start: "2026-12-01T23:00:00.000Z", end: "2026-12-02T23:00:00.000Z", allDay: true }] });
  });

  it("fails open when the calendar is not connected, and says why", async () => {
    const user = await signedIn(h.t.db);
    const warn = vi.spyOn(logger, "warn");
    const result = await checkAvailability(user.workspaceId, google, range, "test");
    expect(result).toMatchObject({ available: true, checked: false, conflicts: [], note: "Google Calendar is not connected in this workspace" });
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/failing open/), expect.objectContaining({ calendar: "google-calendar" }));
  });

  it("fails open when the provider is down, after the pipeline's retries, and logs it", async () => {
    const { user, outlook: connectionId } = await adminWithCalendars(h.t.db);
    h.graph.addEvent("primary", { subject: "Meeting", startMs: range.start, endMs: range.end });
    h.graph.failNext({ status: 503, retryAfter: 0 }, 10);
    const warn = vi.spyOn(logger, "warn");
    const result = await checkAvailability(user.workspaceId, outlook, range, "test");
    expect(result).toMatchObject({ available: true, checked: false, conflicts: [] });
    expect(result.note).toMatch(/Outlook Calendar could not be checked: Microsoft Graph answered 503/);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/failing open/), expect.objectContaining({ calendar: "outlook-calendar", category: "transient" }));
    expect(h.graph.requests.length).toBe(3);
    const connection = await h.t.db.connection.findUniqueOrThrow({ where: { id: connectionId } });
    expect(connection).toMatchObject({ errorCount: 1, lastErrorCategory: "transient" });
  });

  it("fails open on a rejected token and flags the connection for reconnecting", async () => {
    const { user, google: connectionId } = await adminWithCalendars(h.t.db);
    h.google.tokens.clear();
    const result = await checkAvailability(user.workspaceId, google, range, "test");
    expect(result).toMatchObject({ available: true, checked: false });
    expect(result.note).toMatch(/refused the authorisation/);
    expect(await h.t.db.connection.findUniqueOrThrow({ where: { id: connectionId } })).toMatchObject({ needsReauth: true });
    // Now it does not even try.
    const again = await checkAvailability(user.workspaceId, google, range, "test");
    expect(again.note).toMatch(/needs to be reconnected/);
  });
});

describe("availability over several weeks", () => {
  it("gives free slots per day in each calendar's working hours and zone, across a DST change", async () => {
    const { user } = await adminWithCalendars(h.t.db);
    await saveWorkingHours(user, { calendar: google, timeZone: "America/New_York", dayStart: "08:00", dayEnd: "12:00", weekdays: [1, 2, 3, 4, 5] });
    // Outlook keeps the defaults (09:00–17:00) in the mailbox's zone (W. Europe → Europe/Berlin).
    h.google.addEvent("primary", { summary: "Standup", start: { dateTime: "2026-11-02T09:00:00-05:00" }, end: { dateTime: "2026-11-02T09:30:00-05:00" } });
    h.graph.addEvent("primary", { subject: "Offsite", isAllDay: true, startMs: at("2026-10-26T00:00:00Z"), endMs: at("2026-10-28T00:00:00Z") });

    const result = await multiWeekAvailability(user.workspaceId, [google, outlook], { startDate: "2026-10-26", weeks: 2 }, "test");
    const [g, o] = result.calendars;
    expect(g).toMatchObject({ calendar: "google-calendar", ok: true, timeZone: "America/New_York", startDate: "2026-10-26" });
    expect(g!.days).toHaveLength(14);
    // New York leaves daylight saving on 2026-11-01: 08:00 is 12:00Z before, 13:00Z after.
    expect(g!.days.find((d) => d.date === "2026-10-30")!.freeSlots).toEqual([
      { start: "2026-10-30T12:00:00.000Z", end: "2026-10-30T16:00:00.000Z", startLocal: "08:00", endLocal: "12:00", minutes: 240 },
    ]);
    expect(g!.days.find((d) => d.date === "2026-11-02")).toMatchObject({
      events: 1,
      freeMinutes: 210,
      freeSlots: [
        { start: "2026-11-02T13:00:00.000Z", startLocal: "08:00", endLocal: "09:00" },
        { start: "2026-11-02T14:30:00.000Z", startLocal: "09:30", endLocal: "12:00" },
      ],
    });
    expect(g!.days.find((d) => d.date === "2026-11-01")).toMatchObject({ weekend: true, workingDay: false, freeSlots: [] });

    expect(o).toMatchObject({ calendar: "outlook-calendar", ok: true, timeZone: "Europe/Berlin" });
    // Berlin leaves daylight saving on 2026-10-25; the all-day offsite blocks two days.
    expect(o!.days.slice(0, 3).map((d) => [d.date, d.blockedAllDay, d.freeMinutes])).toEqual([
      ["2026-10-26", true, 0],
      ["2026-10-27", true, 0],
      ["2026-10-28", false, 480],
    ]);
    expect(o!.days[2]!.freeSlots[0]).toMatchObject({ start: "2026-10-28T08:00:00.000Z", startLocal: "09:00" });
  });

  it("reports one calendar's failure on that calendar only", async () => {
    const { user } = await adminWithCalendars(h.t.db);
    h.graph.failNext({ status: 500 }, 10);
    const result = await multiWeekAvailability(user.workspaceId, [google, outlook], { startDate: "2026-12-07", weeks: 1 }, "test");
    expect(result.calendars[0]).toMatchObject({ ok: true });
    expect(result.calendars[0]!.days).toHaveLength(7);
    expect(result.calendars[1]).toMatchObject({ ok: false, days: [] });
    expect(result.calendars[1]!.error).toMatch(/Outlook Calendar could not be checked/);
  });
});
