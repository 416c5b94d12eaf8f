// What the Webhooks pages say about a failing or disabled endpoint (components/webhooks/state.ts).
import { describe, expect, it } from "vitest";
import { disabledNote, failingNote, formatDuration } from "@/components/webhooks/state";

const HOUR = 3_600_000;
const since = Date.UTC(2026, 10, 21, 10, 0, 0);
const failing = { status: "active" as const, failingSince: new Date(since).toISOString(), autoDisableAt: new Date(since + 120 * HOUR).toISOString() };

describe("failingNote", () => {
  it("says how long the endpoint has been failing and when it would be disabled", () => {
    const note = failingNote(failing, since + 3 * HOUR + 20 * 60_000)!;
    expect(note.title).toBe("Failing for 3 hours");
    expect(note.short).toBe("failing for 3 hours, disabled after 5 days");
    expect(note.detail).toContain("disabled after 5 days of failures (in 4 days)");
    expect(note.detail).toContain("Nothing is lost");
    expect(failingNote(failing, since + 119 * HOUR)!.detail).toContain("(in 1 hour)");
  });

  it("says nothing for an endpoint that is not failing, or not active", () => {
    expect(failingNote({ status: "active", failingSince: null, autoDisableAt: null }, since)).toBeNull();
    expect(failingNote({ ...failing, status: "paused" }, since)).toBeNull();
    expect(failingNote({ ...failing, status: "disabled", autoDisableAt: null }, since)).toBeNull();
  });
});

describe("disabledNote", () => {
  it("says why, and that the waiting messages go out once it is enabled (no rule of failures in a row)", () => {
    const text = disabledNote({ disabledReason: "every attempt has failed for 5 days", stats: { pending: 1234 } as never });
    expect(text).toContain("because every attempt has failed for 5 days");
    expect(text).toContain("1,234 messages wait for it");
    expect(text).toContain("enable it, and they are sent");
    expect(text).not.toMatch(/in a row/);
    expect(disabledNote({ disabledReason: null, stats: { pending: 1 } as never })).toContain("1 message waits");
  });
});

describe("formatDuration", () => {
  it("uses the largest whole unit", () => {
    expect(formatDuration(59_000)).toBe("less than a minute");
    expect(formatDuration(60_000)).toBe("1 minute");
    expect(formatDuration(2 * HOUR - 1)).toBe("1 hour");
    expect(formatDuration(49 * HOUR)).toBe("2 days");
  });
});
