// The hour that repeats when clocks go back (Europe/Berlin, 2026-10-25: 02:00–03:00 twice).
// 00:30Z and 01:30Z are both 02:30 on the wall; what goes to the providers must tell them apart.
// Pure functions of the instants given: no clock involved.
import { describe, expect, it } from "vitest";
import { isRepeatedWallClock, localDateTime, localDateTimeWithOffset, offsetText } from "@/lib/integrations/kit/time";
import { graphDateTime } from "@/lib/integrations/outlook-calendar/client";

const first = Date.parse("2026-10-25T00:30:00Z");
const second = Date.parse("2026-10-25T01:30:00Z");
const noon = Date.parse("2026-10-25T11:00:00Z");
const zone = "Europe/Berlin";

describe("the repeated hour", () => {
  it("has one wall clock for two instants, which the offset separates (Google takes it)", () => {
    expect([localDateTime(first, zone), localDateTime(second, zone)]).toEqual(["2026-10-25T02:30:00", "2026-10-25T02:30:00"]);
    expect([localDateTimeWithOffset(first, zone), localDateTimeWithOffset(second, zone)]).toEqual(["2026-10-25T02:30:00+02:00", "2026-10-25T02:30:00+01:00"]);
    expect(Date.parse(localDateTimeWithOffset(first, zone))).toBe(first);
    expect(Date.parse(localDateTimeWithOffset(second, zone))).toBe(second);
    expect([offsetText(noon, "America/St_Johns"), offsetText(noon, "Asia/Kolkata"), offsetText(noon, "UTC")]).toEqual(["-02:30", "+05:30", "+00:00"]);
  });

  it("is recognised, and Graph (which takes no offset) gets those instants in UTC", () => {
    expect([isRepeatedWallClock(first, zone), isRepeatedWallClock(second, zone), isRepeatedWallClock(noon, zone)]).toEqual([true, true, false]);
    // Spring forward skips an hour: nothing repeats.
    expect(isRepeatedWallClock(Date.parse("2026-03-29T01:30:00Z"), zone)).toBe(false);
    expect(graphDateTime(first, zone)).toEqual({ dateTime: "2026-10-25T00:30:00", timeZone: "UTC" });
    expect(graphDateTime(second, zone)).toEqual({ dateTime: "2026-10-25T01:30:00", timeZone: "UTC" });
    expect(graphDateTime(noon, zone)).toEqual({ dateTime: "2026-10-25T12:00:00", timeZone: zone });
  });
});
