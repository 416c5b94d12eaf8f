// Incremental sync against the fakes: a first full sync, then only changes (Google sync tokens,
// Graph delta links), and an expired cursor (410) falling back to a full resync that also drops
// records of events that disappeared meanwhile. The connection shows lastSyncAt and "N upcoming / M total".
import { describe, expect, it } from "vitest";
import { runScheduledCalendarWork } from "@/lib/calendar/scheduled";
import { openCalendar } from "@/lib/calendar/session";
import { syncCalendar, syncStatus, syncWorkspaceCalendars } from "@/lib/calendar/sync";
import { adminWithCalendars, useCalendarHarness } from "./setup";

const h = useCalendarHarness();
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe("Google Calendar sync", () => {
  it("syncs fully once, then only changes, and resyncs when the sync token has expired", async () => {
    const { user, google } = await adminWithCalendars(h.t.db);
    const now = Date.now();
    const past = h.google.addEvent("primary", { summary: "Last week", start: { dateTime: iso(now - 7 * DAY) }, end: { dateTime: iso(now - 7 * DAY + 3600_000) } });
    const soon = h.google.addEvent("primary", { summary: "Tomorrow", start: { dateTime: iso(now + DAY) }, end: { dateTime: iso(now + DAY + 3600_000) } });
    // All day, a month ahead of the real clock the upcoming count uses (a fixed date would pass one day).
    h.google.addEvent("primary", { summary: "Holiday", start: { date: iso(now + 30 * DAY).slice(0, 10) }, end: { date: iso(now + 31 * DAY).slice(0, 10) } });

    const [first] = await syncWorkspaceCalendars(user.workspaceId, "test", { providerId: "google-calendar" });
    expect(first).toMatchObject({ connected: true, usage: "2 upcoming / 3 total", calendars: [{ calendar: "google-calendar", ok: true, mode: "full", changed: 3, removed: 0 }] });
    const connection = await h.t.db.connection.findUniqueOrThrow({ where: { id: google } });
    expect(connection).toMatchObject({ status: "connected", usageLabel: "Events", usageValue: "2 upcoming / 3 total" });
    expect(connection.lastSyncAt).toBeInstanceOf(Date);
    expect(await h.t.db.calendarEvent.findFirstOrThrow({ where: { providerEventId: soon.id } })).toMatchObject({ source: "sync", summary: "Tomorrow", etag: soon.etag });

    // Changes at Google: one edited, one deleted, one added.
    h.google.updateEvent("primary", soon.id, { summary: "Tomorrow (moved)" });
    h.google.removeEvent("primary", past.id);
    h.google.addEvent("primary", { summary: "Next week", start: { dateTime: iso(now + 7 * DAY) }, end: { dateTime: iso(now + 7 * DAY + 3600_000) } });
    h.google.calls.length = 0;
    const [second] = await syncWorkspaceCalendars(user.workspaceId, "test", { providerId: "google-calendar" });
    expect(second!.calendars[0]).toMatchObject({ mode: "incremental", changed: 2, removed: 1 });
    expect(h.google.calls[0]!.query.syncToken).toBeTruthy();
    expect(second!.usage).toBe("3 upcoming / 3 total");
    expect((await h.t.db.calendarEvent.findFirstOrThrow({ where: { providerEventId: soon.id } })).summary).toBe("Tomorrow (moved)");

    // The token expires (410 fullSyncRequired); meanwhile an event disappeared without a trace.
    h.google.expireSyncTokens();
    const orphan = await h.t.db.calendarEvent.create({
      data: {
        workspaceId: user.workspaceId,
        connectionId: google,
        providerId: "google-calendar",
        calendarId: "primary",
        providerEventId: "gone-long-ago",
        source: "sync",
        startsAt: new Date(now + DAY),
        endsAt: new Date(now + DAY + 60_000),
        createdAt: new Date(now - DAY),
      },
    });
    const [third] = await syncWorkspaceCalendars(user.workspaceId, "test", { providerId: "google-calendar" });
    expect(third!.calendars[0]).toMatchObject({ ok: true, mode: "resync", changed: 3, removed: 1 });
    expect(await h.t.db.calendarEvent.findUnique({ where: { id: orphan.id } })).toBeNull();
    expect(third!.usage).toBe("3 upcoming / 3 total");
    const gone = h.google.calls.filter((c) => c.status === 410);
    expect(gone).toHaveLength(1);

    const [status] = await syncStatus(user.workspaceId);
    expect(status).toMatchObject({
      providerId: "google-calendar",
      connected: true,
      usage: "3 upcoming / 3 total",
      calendars: [{ calendar: "google-calendar", incremental: true, running: false, lastError: null, lastResult: { mode: "resync", ok: true } }],
    });
  });

  it("keeps events Plugboard created as they were made (source and reference) when sync sees them", async () => {
    const { user, google } = await adminWithCalendars(h.t.db);
    const event = h.google.addEvent("primary", { summary: "Booked", start: { dateTime: iso(Date.now() + DAY) }, end: { dateTime: iso(Date.now() + DAY + 1800_000) } });
    await h.t.db.calendarEvent.create({
      data: {
        workspaceId: user.workspaceId,
        connectionId: google,
        providerId: "google-calendar",
        calendarId: "primary",
        providerEventId: event.id,
        source: "booking",
        localReference: "BK-7",
      },
    });
    await syncWorkspaceCalendars(user.workspaceId, "test", { providerId: "google-calendar" });
    expect(await h.t.db.calendarEvent.findFirstOrThrow({ where: { providerEventId: event.id } })).toMatchObject({ source: "booking", localReference: "BK-7", summary: "Booked" });
  });

  it("does not run twice at once for a calendar, and reports a provider failure without losing its cursor", async () => {
    const { user } = await adminWithCalendars(h.t.db);
    const session = await openCalendar(user.workspaceId, { providerId: "google-calendar" }, "test");
    await syncCalendar(session, "primary");
    const state = await h.t.db.calendarSyncState.findFirstOrThrow();
    await h.t.db.calendarSyncState.update({ where: { id: state.id }, data: { lockedAt: new Date() } });
    expect(await syncCalendar(session, "primary")).toMatchObject({ mode: "skipped" });
    await h.t.db.calendarSyncState.update({ where: { id: state.id }, data: { lockedAt: null } });

    h.google.failNext({ status: 503 }, 10);
    const failed = await syncCalendar(session, "primary");
    expect(failed).toMatchObject({ ok: false, mode: "incremental" });
    expect(failed.message).toMatch(/503/);
    const after = await h.t.db.calendarSyncState.findFirstOrThrow();
    expect(after).toMatchObject({ cursor: state.cursor, lockedAt: null });
    expect(after.lastError).toMatch(/503/);
  });
});

describe("Outlook sync (Graph delta links)", () => {
  it("follows nextLinks, then syncs only changes, and resyncs after 410 SyncStateNotFound", async () => {
    const { user, outlook } = await adminWithCalendars(h.t.db);
    const now = Date.now();
    const made = Array.from({ length: 150 }, (_, i) =>
      h.graph.addEvent("primary", { subject: `Meeting ${i}`, startMs: now + (i + 1) * 3600_000, endMs: now + (i + 1) * 3600_000 + 1800_000 }),
    );
    // Outside the sync window (a year ahead by default): never seen.
    h.graph.addEvent("primary", { subject: "Far away", startMs: now + 800 * DAY, endMs: now + 800 * DAY + 3600_000 });

    const [first] = await syncWorkspaceCalendars(user.workspaceId, "test", { providerId: "outlook-calendar" });
    expect(first!.calendars[0]).toMatchObject({ ok: true, mode: "full", pages: 2, changed: 150 });
    expect(first!.usage).toBe("150 upcoming / 150 total");
    const state = await h.t.db.calendarSyncState.findFirstOrThrow({ where: { connectionId: outlook } });
    expect(state.cursor).toContain("$deltatoken=");
    expect(state.cursor!.startsWith(h.graph.baseUrl)).toBe(true);

    h.graph.removeEvent(made[0]!.id);
    h.graph.updateEvent(made[1]!.id, { subject: "Renamed" });
    const [second] = await syncWorkspaceCalendars(user.workspaceId, "test", { providerId: "outlook-calendar" });
    expect(second!.calendars[0]).toMatchObject({ mode: "incremental", pages: 1, changed: 1, removed: 1 });
    expect(second!.usage).toBe("149 upcoming / 149 total");
    expect(await h.t.db.calendarEvent.count({ where: { summary: "Renamed" } })).toBe(1);

    h.graph.expireDeltaTokens();
    h.graph.removeEvent(made[2]!.id);
    const [third] = await syncWorkspaceCalendars(user.workspaceId, "test", { providerId: "outlook-calendar" });
    expect(third!.calendars[0]).toMatchObject({ ok: true, mode: "resync", changed: 148, removed: 1 });
    expect(third!.usage).toBe("148 upcoming / 148 total");
  });

  it("refuses a delta link that points at another host (the token never leaves for it)", async () => {
    const { user, outlook } = await adminWithCalendars(h.t.db);
    await h.t.db.calendarSyncState.create({
      data: {
        workspaceId: user.workspaceId,
        connectionId: outlook,
        providerId: "outlook-calendar",
        calendarId: "primary",
        cursor: "https://evil.example/v1.0/me/calendar/calendarView/delta?$deltatoken=x",
      },
    });
    const [result] = await syncWorkspaceCalendars(user.workspaceId, "test", { providerId: "outlook-calendar" });
    expect(result!.calendars[0]).toMatchObject({ ok: false });
    expect(result!.calendars[0]!.message).toMatch(/refusing to follow/);
  });
});

describe("scheduled sync", () => {
  it("syncs every connected calendar of every workspace", async () => {
    const a = await adminWithCalendars(h.t.db);
    h.google.addEvent("primary", { summary: "One", start: { dateTime: iso(Date.now() + DAY) }, end: { dateTime: iso(Date.now() + DAY + 60_000) } });
    const report = await runScheduledCalendarWork();
    expect(report).toMatchObject({ batchJobsResumed: 0, connections: 2, failed: 0 });
    const connections = await h.t.db.connection.findMany({ where: { workspaceId: a.user.workspaceId }, orderBy: { providerId: "asc" } });
    expect(connections.map((c) => [c.providerId, c.usageValue])).toEqual([
      ["google-calendar", "1 upcoming / 1 total"],
      ["outlook-calendar", "0 upcoming / 0 total"],
    ]);
  });
});
