// Time-zone arithmetic and the availability rules: overlaps at the edges of a range, all-day
// events, and working hours across daylight-saving weeks.
import { describe, expect, it } from "vitest";
import { computeDays, DEFAULT_WORKING_HOURS, findConflicts, overlaps } from "@/lib/calendar/availability";
import { addDays, isoWeekday, isValidTimeZone, localTime, parseDateTimeIn, startOfDay, zonedToInstant } from "@/lib/integrations/kit/time";
import type { ProviderEvent } from "@/lib/integrations/kit/ports/calendar";

const at = (iso: string) => Date.parse(iso);
const timed = (title: string, start: string, end: string, extra: Partial<ProviderEvent> = {}): ProviderEvent =>
  ({
    id: title,
    etag: null,
    title,
    status: "confirmed",
    busy: true,
    timeZone: null,
    meetingUrl: null,
    updatedAt: null,
    allDay: false,
    start: at(start),
    end: at(end),
    ...extra,
  }) as ProviderEvent;
const allDay = (title: string, startDate: string, endDate: string, extra: Partial<ProviderEvent> = {}): ProviderEvent =>
  ({
    id: title,
    etag: null,
    title,
    status: "confirmed",
    busy: true,
    timeZone: null,
    meetingUrl: null,
    updatedAt: null,
    allDay: true,
    startDate,
    endDate,
    ...extra,
  }) as ProviderEvent;

describe("time zones", () => {
  it("converts wall clock to instants on both sides of the spring-forward change", () => {
    // Europe/Berlin moves from +01:00 to +02:00 on 2026-03-29 at 02:00.
    expect(new Date(zonedToInstant("2026-03-28", "09:00", "Europe/Berlin")).toISOString()).toBe("2026-03-28T08:00:00.000Z");
    expect(new Date(zonedToInstant("2026-03-30", "09:00", "Europe/Berlin")).toISOString()).toBe("2026-03-30T07:00:00.000Z");
    // 02:30 does not exist that night: it moves forward by the gap, to 03:30 CEST.
    expect(new Date(zonedToInstant("2026-03-29", "02:30", "Europe/Berlin")).toISOString()).toBe("2026-03-29T01:30:00.000Z");
    // 02:30 happens twice on 2026-10-25: the earlier one.
    expect(new Date(zonedToInstant("2026-10-25", "02:30", "Europe/Berlin")).toISOString()).toBe("2026-10-25T00:30:00.000Z");
    // Southern hemisphere and a zone with a half-hour offset.
    expect(new Date(zonedToInstant("2026-04-05", "09:00", "Australia/Sydney")).toISOString()).toBe("2026-04-04T23:00:00.000Z");
    expect(new Date(zonedToInstant("2026-01-10", "09:00", "Asia/Kolkata")).toISOString()).toBe("2026-01-10T03:30:00.000Z");
  });

  it("measures days between local midnights (23 and 25 hours on change days)", () => {
    const len = (d: string) => (startOfDay(addDays(d, 1), "America/New_York") - startOfDay(d, "America/New_York")) / 3600_000;
    expect(len("2026-03-08")).toBe(23);
    expect(len("2026-11-01")).toBe(25);
    expect(len("2026-11-02")).toBe(24);
  });

  it("knows weekdays, valid zones and typed date-times", () => {
    expect(isoWeekday("2026-03-29")).toBe(7);
    expect(isoWeekday("2026-03-30")).toBe(1);
    expect(isValidTimeZone("Europe/Berlin")).toBe(true);
    expect(isValidTimeZone("Mars/Olympus")).toBe(false);
    expect(parseDateTimeIn("2026-12-01T10:00", "Europe/Berlin")).toBe(at("2026-12-01T09:00:00Z"));
    expect(parseDateTimeIn("2026-12-01T10:00:00+05:00", "Europe/Berlin")).toBe(at("2026-12-01T05:00:00Z"));
    expect(parseDateTimeIn("2026-02-30T10:00", "UTC")).toBeNull();
    expect(parseDateTimeIn("tomorrow", "UTC")).toBeNull();
  });
});

describe("conflicts", () => {
  const range = { start: at("2026-12-01T10:00:00Z"), end: at("2026-12-01T11:00:00Z") };

  it("treats touching edges as free and any overlap as busy", () => {
    const events = [
      timed("ends at start", "2026-12-01T09:00:00Z", "2026-12-01T10:00:00Z"),
      timed("starts at end", "2026-12-01T11:00:00Z", "2026-12-01T12:00:00Z"),
      timed("overlaps start", "2026-12-01T09:30:00Z", "2026-12-01T10:01:00Z"),
      timed("overlaps end", "2026-12-01T10:59:00Z", "2026-12-01T11:30:00Z"),
      timed("covers", "2026-12-01T08:00:00Z", "2026-12-01T13:00:00Z"),
      timed("inside", "2026-12-01T10:15:00Z", "2026-12-01T10:45:00Z"),
      timed("free", "2026-12-01T10:15:00Z", "2026-12-01T10:45:00Z", { busy: false }),
      timed("cancelled", "2026-12-01T10:15:00Z", "2026-12-01T10:45:00Z", { status: "cancelled" }),
    ];
    expect(findConflicts(events, range, "UTC").map((c) => c.title)).toEqual(["covers", "overlaps start", "inside", "overlaps end"]);
    expect(overlaps({ start: range.start, end: range.start }, range)).toBe(true);
    expect(overlaps({ start: range.end, end: range.end }, range)).toBe(false);
  });

  it("blocks all-day events from midnight to midnight in the calendar's zone", () => {
    // 2026-12-02 in Tokyo is 2026-12-01T15:00Z to 2026-12-02T15:00Z.
    const holiday = allDay("holiday", "2026-12-02", "2026-12-03");
    expect(findConflicts([holiday], { start: at("2026-12-01T14:00:00Z"), end: at("2026-12-01T15:00:00Z") }, "Asia/Tokyo")).toEqual([]);
    expect(findConflicts([holiday], { start: at("2026-12-01T14:30:00Z"), end: at("2026-12-01T15:30:00Z") }, "Asia/Tokyo")).toEqual([
      { title: "holiday", start: "2026-12-01T15:00:00.000Z", end: "2026-12-02T15:00:00.000Z", allDay: true },
    ]);
  });
});

describe("days over several weeks", () => {
  const hours = { ...DEFAULT_WORKING_HOURS, timeZone: "Europe/Berlin" };

  it("keeps working hours at 09:00–17:00 local across the spring-forward week", () => {
    const days = computeDays([], { startDate: "2026-03-23", days: 14, timeZone: "Europe/Berlin", hours });
    const friday = days.find((d) => d.date === "2026-03-27")!;
    const monday = days.find((d) => d.date === "2026-03-30")!;
    expect(friday.freeSlots).toEqual([{ start: "2026-03-27T08:00:00.000Z", end: "2026-03-27T16:00:00.000Z", startLocal: "09:00", endLocal: "17:00", minutes: 480 }]);
    expect(monday.freeSlots).toEqual([{ start: "2026-03-30T07:00:00.000Z", end: "2026-03-30T15:00:00.000Z", startLocal: "09:00", endLocal: "17:00", minutes: 480 }]);
    expect(days.filter((d) => d.weekend).map((d) => d.date)).toEqual(["2026-03-28", "2026-03-29", "2026-04-04", "2026-04-05"]);
    expect(days.filter((d) => d.weekend).every((d) => d.freeSlots.length === 0 && !d.workingDay)).toBe(true);
  });

  it("cuts busy events out of the working day and counts the day's events", () => {
    const events = [
      timed("morning", "2026-03-30T07:30:00Z", "2026-03-30T08:30:00Z"), // 09:30–10:30 CEST
      timed("overlapping", "2026-03-30T08:00:00Z", "2026-03-30T09:00:00Z"), // 10:00–11:00
      timed("evening", "2026-03-30T17:00:00Z", "2026-03-30T18:00:00Z"), // 19:00, outside hours
      timed("free", "2026-03-30T12:00:00Z", "2026-03-30T13:00:00Z", { busy: false }),
    ];
    const [day] = computeDays(events, { startDate: "2026-03-30", days: 1, timeZone: "Europe/Berlin", hours });
    expect(day!.events).toBe(4);
    expect(day!.freeSlots.map((s) => `${s.startLocal}-${s.endLocal}`)).toEqual(["09:00-09:30", "11:00-17:00"]);
    expect(day!.freeMinutes).toBe(30 + 360);
  });

  it("lets an all-day event block each day it covers (end date exclusive)", () => {
    const trip = allDay("trip", "2026-03-31", "2026-04-02");
    const days = computeDays([trip], { startDate: "2026-03-30", days: 4, timeZone: "Europe/Berlin", hours });
    expect(days.map((d) => [d.date, d.blockedAllDay, d.freeSlots.length, d.events])).toEqual([
      ["2026-03-30", false, 1, 0],
      ["2026-03-31", true, 0, 1],
      ["2026-04-01", true, 0, 1],
      ["2026-04-02", false, 1, 0],
    ]);
    // A free (transparent) all-day event, e.g. a holiday calendar entry, does not block.
    const [free] = computeDays([allDay("note", "2026-03-30", "2026-03-31", { busy: false })], { startDate: "2026-03-30", days: 1, timeZone: "Europe/Berlin", hours });
    expect(free).toMatchObject({ blockedAllDay: false, events: 1, freeMinutes: 480 });
  });

  it("uses each calendar's own zone and hours (fall-back week in New York)", () => {
    const ny = { timeZone: "America/New_York", dayStart: "08:30", dayEnd: "12:00", weekdays: [1, 2, 3, 4, 5, 6] };
    const days = computeDays([], { startDate: "2026-10-30", days: 4, timeZone: "America/New_York", hours: ny });
    expect(days.map((d) => d.freeSlots[0]?.start ?? null)).toEqual(["2026-10-30T12:30:00.000Z", "2026-10-31T12:30:00.000Z", null, "2026-11-02T13:30:00.000Z"]);
    expect(localTime(at("2026-11-02T13:30:00Z"), "America/New_York")).toBe("08:30");
  });
});
