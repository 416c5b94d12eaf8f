// Windows time-zone names Graph reports: every name in CLDR's mapping is read as its "001" IANA
// zone, and a name outside it is refused with a clear error instead of being read as UTC.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resetConfig } from "@/lib/config";
import { createOutlookCalendarClient } from "@/lib/integrations/outlook-calendar/client";
import { classifyGraphError } from "@/lib/integrations/outlook-calendar/graph";
import { ianaTimeZone, UnknownTimeZoneError } from "@/lib/integrations/outlook-calendar/graph-time-zones";
import { WINDOWS_TO_IANA } from "@/lib/integrations/outlook-calendar/windows-zones";
import { GRAPH_TOKENS, startFakeGraph, type FakeGraph } from "@/tests/fakes/graph";

describe("CLDR's Windows zones", () => {
  it("maps all 139 Windows names, each to a zone Intl knows", () => {
    const names = Object.keys(WINDOWS_TO_IANA);
    expect(names).toHaveLength(139);
    for (const name of names) {
      const zone = ianaTimeZone(name)!;
      // "UTC" is an IANA name too, and kept as it is.
      expect(zone, name).toBe(name === "UTC" ? "UTC" : WINDOWS_TO_IANA[name]);
      expect(() => new Intl.DateTimeFormat("en", { timeZone: zone }), `${name} → ${zone}`).not.toThrow();
    }
    // Some of the 83 that used to be read as UTC.
    expect(ianaTimeZone("Mountain Standard Time (Mexico)")).toBe("America/Mazatlan");
    expect(ianaTimeZone("Russia Time Zone 3")).toBe("Europe/Samara");
    expect(ianaTimeZone("Chatham Islands Standard Time")).toBe("Pacific/Chatham");
  });

  it("passes IANA names through, and refuses an unknown name loudly", () => {
    expect(ianaTimeZone("Europe/Berlin")).toBe("Europe/Berlin");
    expect(ianaTimeZone(null)).toBeNull();
    expect(() => ianaTimeZone("Mars Standard Time")).toThrow(UnknownTimeZoneError);
    expect(() => ianaTimeZone("constructor")).toThrow(UnknownTimeZoneError);
    expect(() => ianaTimeZone("Mars Standard Time")).toThrow('Microsoft Graph reported the time zone "Mars Standard Time", which is neither an IANA zone nor a Windows zone');
  });
});

describe("the Outlook client with a mailbox in a Windows zone", () => {
  let graph: FakeGraph;
  const signal = () => AbortSignal.timeout(5000);
  beforeAll(async () => {
    graph = await startFakeGraph();
    process.env.MICROSOFT_GRAPH_API_BASE = graph.baseUrl;
    resetConfig();
  });
  afterAll(async () => {
    await graph?.close();
    delete process.env.MICROSOFT_GRAPH_API_BASE;
  });
  beforeEach(() => graph.reset());

  it("reads a zone the old table lacked", async () => {
    graph.setMailboxTimeZone("Yukon Standard Time");
    const client = createOutlookCalendarClient(GRAPH_TOKENS.valid);
    expect(await client.timeZone("primary", signal())).toBe("America/Whitehorse");
    expect((await client.listCalendars(signal()))[0]!.timeZone).toBe("America/Whitehorse");
  });

  it("fails with a clear, permanent error for a name outside CLDR's mapping", async () => {
    graph.setMailboxTimeZone("Mars Standard Time");
    const client = createOutlookCalendarClient(GRAPH_TOKENS.valid);
    const error = classifyGraphError(await client.listCalendars(signal()).catch((e: unknown) => e));
    expect(error).toMatchObject({ category: "permanent", providerCode: "unknown_time_zone" });
    expect(error.message).toContain('"Mars Standard Time"');
  });

  it("an event made in a custom zone is still read (the zone is only its label)", async () => {
    const made = graph.addEvent("primary", {
      startMs: Date.parse("2026-12-01T09:00:00Z"),
      endMs: Date.parse("2026-12-01T10:00:00Z"),
      originalStartTimeZone: "tzone://Microsoft/Custom",
    });
    const client = createOutlookCalendarClient(GRAPH_TOKENS.valid);
    const events = await client.listEvents("primary", { start: Date.parse("2026-12-01T00:00:00Z"), end: Date.parse("2026-12-02T00:00:00Z") }, signal());
    expect(events).toMatchObject([{ id: made.id, timeZone: null, start: Date.parse("2026-12-01T09:00:00Z") }]);
  });
});
