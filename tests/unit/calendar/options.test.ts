// The calendar page with two accounts of one provider: the picker names the account, and the sync
// status shown is the picked account's, found by the connection its ref names.
import { describe, expect, it } from "vitest";
import { calendarOptions, refTarget, syncAccountLabel, syncEntryFor } from "@/components/calendar/options";
import type { ProviderCalendars, SyncStatus } from "@/components/calendar/types";

const calendar = (ref: string, name: string, primary = false): ProviderCalendars["calendars"][number] => ({ ref, id: name, name, primary, timeZone: "UTC", canEdit: true });

function google(connectionId: string, accountLabel: string, refs: string[]): ProviderCalendars {
  return {
    providerId: "google-calendar",
    name: "Google Calendar",
    connectionId,
    accountLabel,
    connected: true,
    calendars: refs.map((r, i) => calendar(r, i === 0 ? accountLabel : "Team", i === 0)),
  };
}
const outlook: ProviderCalendars = {
  providerId: "outlook-calendar",
  name: "Outlook Calendar",
  connectionId: "o1",
  accountLabel: "me@outlook.test",
  connected: true,
  calendars: [calendar("outlook-calendar", "Calendar", true)],
};

function sync(providerId: string, connectionId: string | null, accountLabel: string | null, connected = true): SyncStatus {
  return {
    providerId: providerId as SyncStatus["providerId"],
    name: providerId,
    connectionId,
    accountLabel,
    connected,
    lastSyncAt: null,
    usage: `${connectionId} usage`,
    calendars: [],
  };
}

describe("calendar picker with several accounts", () => {
  it("names the account only where the provider has several", () => {
    const options = calendarOptions([google("g1", "ada@a.test", ["google-calendar@g1", "google-calendar@g1:team"]), google("g2", "bob@b.test", ["google-calendar@g2"]), outlook]);
    expect(options).toEqual([
      { ref: "google-calendar@g1", label: "Google Calendar · ada@a.test · ada@a.test (primary)" },
      { ref: "google-calendar@g1:team", label: "Google Calendar · ada@a.test · Team" },
      { ref: "google-calendar@g2", label: "Google Calendar · bob@b.test · bob@b.test (primary)" },
      { ref: "outlook-calendar", label: "Outlook Calendar · Calendar (primary)" },
    ]);
    expect(calendarOptions([google("g1", "ada@a.test", ["google-calendar"])])).toEqual([{ ref: "google-calendar", label: "Google Calendar · ada@a.test (primary)" }]);
  });

  it("reads the provider and connection of a ref", () => {
    expect(refTarget("google-calendar")).toEqual({ providerId: "google-calendar", connectionId: null });
    expect(refTarget("google-calendar@ckx1:team@group.calendar.google.com")).toEqual({ providerId: "google-calendar", connectionId: "ckx1" });
    expect(refTarget("outlook-calendar:AAMk")).toEqual({ providerId: "outlook-calendar", connectionId: null });
  });

  it("shows the sync status of the picked account", () => {
    const entries = [sync("google-calendar", "g1", "ada@a.test"), sync("google-calendar", "g2", "bob@b.test"), sync("outlook-calendar", null, null, false)];
    expect(syncEntryFor("google-calendar@g2:team", entries)?.usage).toBe("g2 usage");
    expect(syncEntryFor("google-calendar@g1", entries)?.usage).toBe("g1 usage");
    expect(syncAccountLabel(syncEntryFor("google-calendar@g2", entries), entries)).toBe("bob@b.test");
    // One account: found by provider, and no label needed.
    const single = [sync("google-calendar", "g1", "ada@a.test")];
    expect(syncEntryFor("google-calendar", single)?.connectionId).toBe("g1");
    expect(syncAccountLabel(single[0], single)).toBeNull();
  });
});
