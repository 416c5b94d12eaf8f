// Calendar references: "<provider>[@<connection id>][:<calendar id>]". The connection names one
// of several accounts of a provider; without it, the provider's default connection is meant.
import { describe, expect, it } from "vitest";
import { formatCalendarRef, parseCalendarRef } from "@/lib/calendar/session";

describe("calendar references", () => {
  it("reads the provider, an optional connection and an optional calendar id (which may hold @ and :)", () => {
    expect(parseCalendarRef("google-calendar")).toEqual({ providerId: "google-calendar", calendarId: "primary" });
    expect(parseCalendarRef(" outlook-calendar:AAMkAD/x+y= ")).toEqual({ providerId: "outlook-calendar", calendarId: "AAMkAD/x+y=" });
    expect(parseCalendarRef("google-calendar@ckx0connection01")).toEqual({ providerId: "google-calendar", calendarId: "primary", connectionId: "ckx0connection01" });
    expect(parseCalendarRef("google-calendar@ckx0connection01:team@group.calendar.google.com:x")).toEqual({
      providerId: "google-calendar",
      calendarId: "team@group.calendar.google.com:x",
      connectionId: "ckx0connection01",
    });
  });

  it("says what is wrong with a bad reference", () => {
    expect(parseCalendarRef("gmail")).toEqual({ error: expect.stringMatching(/^Unknown calendar "gmail": use google-calendar or outlook-calendar/) });
    expect(parseCalendarRef("google-calendar@")).toEqual({ error: expect.stringMatching(/^Invalid connection id/) });
    expect(parseCalendarRef("google-calendar@../../x")).toEqual({ error: expect.stringMatching(/^Invalid connection id/) });
    expect(parseCalendarRef("google-calendar:")).toEqual({ error: expect.stringMatching(/^Invalid calendar id/) });
  });

  it("writes what it reads", () => {
    for (const text of ["google-calendar", "outlook-calendar:AAMk", "google-calendar@ckx0connection01", "google-calendar@ckx0connection01:team@group.calendar.google.com"]) {
      const ref = parseCalendarRef(text);
      expect("error" in ref).toBe(false);
      expect(formatCalendarRef(ref as never)).toBe(text);
    }
  });
});
