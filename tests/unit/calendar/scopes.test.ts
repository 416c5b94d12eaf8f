// The calendar clients with tokens the fake OAuth server issued: the calendar fakes refuse each
// method whose documented scopes (Google) or permissions (Graph) the token was not granted, as the
// providers do. A grant of exactly what the manifests ask for must do everything the clients do;
// a grant lacking one must fail with a message that names it.
import { describe, expect, it } from "vitest";
import type { CalendarClient, EventDraft } from "@/lib/integrations/kit/ports/calendar";
import { classifyGoogleError, createGoogleCalendarClient } from "@/lib/integrations/google-calendar/client";
import { googleCalendarManifest } from "@/lib/integrations/google-calendar/manifest";
import { createOutlookCalendarClient } from "@/lib/integrations/outlook-calendar/client";
import { classifyGraphError } from "@/lib/integrations/outlook-calendar/graph";
import { outlookCalendarManifest } from "@/lib/integrations/outlook-calendar/manifest";
import { useCalendarFakes } from "@/tests/unit/calendar/fakes";

const fakes = useCalendarFakes({ oauth: true });
const signal = () => AbortSignal.timeout(5000);
const AUTH = "https://www.googleapis.com/auth/";

const draft = (n: number): EventDraft => ({
  summary: `Event ${n}`,
  timeZone: "Europe/Berlin",
  allDay: false,
  start: Date.parse("2026-12-01T09:00:00Z") + n * 3600_000,
  end: Date.parse("2026-12-01T09:30:00Z") + n * 3600_000,
});
const window = { start: Date.parse("2026-12-01T00:00:00Z"), end: Date.parse("2026-12-02T00:00:00Z") };

/** Every call the calendar features make, through one client. */
async function everyOperation(client: CalendarClient, otherCalendar: string) {
  const calendars = await client.listCalendars(signal());
  expect(calendars.length).toBeGreaterThan(0);
  await client.timeZone(otherCalendar, signal());
  const created = await client.createEvent("primary", draft(0), signal());
  await client.updateEvent("primary", created.id, { ...draft(1), summary: "Moved" }, signal());
  expect((await client.listEvents("primary", window, signal())).map((e) => e.title)).toEqual(["Moved"]);
  const batch = await client.batch(
    [
      { kind: "create", calendarId: "primary", draft: draft(2) },
      { kind: "get", calendarId: "primary", eventId: created.id },
    ],
    signal(),
  );
  expect(batch.map((o) => o.ok)).toEqual([true, true]);
  const first = await client.syncPage("primary", { cursor: null, continuation: null, window }, signal());
  expect(first.changed.length).toBe(2);
  await client.deleteEvent("primary", created.id, signal());
}

describe("Google Calendar: scopes", () => {
  it("a grant of the manifest's scopes does every operation the client has", async () => {
    fakes.google.addCalendar({ id: "team@group.calendar.google.com", summary: "Team", timeZone: "Europe/Paris" });
    const { accessToken } = fakes.oauth.seedGrant("google", { scopes: googleCalendarManifest.oauth.scopes });
    const client = await createGoogleCalendarClient(accessToken);
    // timeZone of a calendar the client has not listed yet reads it with calendars.get.
    const fresh = await createGoogleCalendarClient(accessToken);
    expect(await fresh.timeZone("team@group.calendar.google.com", signal())).toBe("Europe/Paris");
    await everyOperation(client, "team@group.calendar.google.com");
    expect(fakes.google.calls.filter((c) => c.status === 403)).toEqual([]);
  });

  it("a grant without calendar.calendarlist.readonly: Google's 403, and a message naming the scope", async () => {
    const { accessToken } = fakes.oauth.seedGrant("google", { scopes: ["openid", "email", `${AUTH}calendar.events`, `${AUTH}calendar.events.freebusy`] });
    const raw = await fetch(`${fakes.google.url}/calendar/v3/users/me/calendarList`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(raw.status).toBe(403);
    expect(await raw.json()).toMatchObject({
      error: { code: 403, message: "Request had insufficient authentication scopes.", status: "PERMISSION_DENIED", errors: [{ reason: "insufficientPermissions" }] },
    });

    const client = await createGoogleCalendarClient(accessToken);
    const error = classifyGoogleError(await client.listCalendars(signal()).catch((e: unknown) => e));
    expect(error).toMatchObject({ category: "auth", statusCode: 403 });
    expect(error.message).toBe(
      "Google Calendar did not grant the calendar.calendarlist.readonly scope needed to list calendars; reconnect Google Calendar and tick “See the list of Google calendars you’re subscribed to” on Google's consent screen.",
    );
    const zone = classifyGoogleError(await client.timeZone("other@group.calendar.google.com", signal()).catch((e: unknown) => e));
    expect(zone.message).toContain("did not grant the calendar.calendars.readonly scope needed to read a calendar's time zone");
    // Events still work with what was granted.
    await client.createEvent("primary", draft(0), signal());
  });

  it("a read-only grant: each write in a batch names calendar.events", async () => {
    const { accessToken } = fakes.oauth.seedGrant("google", { scopes: [`${AUTH}calendar.readonly`] });
    const client = await createGoogleCalendarClient(accessToken);
    expect(await client.listCalendars(signal())).not.toHaveLength(0);
    const [outcome] = await client.batch([{ kind: "create", calendarId: "primary", draft: draft(0) }], signal());
    expect(outcome).toMatchObject({
      ok: false,
      status: 403,
      category: "auth",
      message: expect.stringContaining("did not grant the calendar.events scope needed to create events"),
    });
  });
});

describe("Outlook Calendar: permissions", () => {
  it("a grant of the manifest's scopes does every operation the client has", async () => {
    fakes.graph.addCalendar({ id: "AAMkADTeam", name: "Team" });
    const { accessToken } = fakes.oauth.seedGrant("microsoft", { scopes: outlookCalendarManifest.oauth.scopes });
    await everyOperation(createOutlookCalendarClient(accessToken), "AAMkADTeam");
    expect(fakes.graph.calls.filter((c) => c.status === 403)).toEqual([]);
  });

  it("a grant without MailboxSettings.Read: Graph's 403, and a message naming the permission", async () => {
    const { accessToken } = fakes.oauth.seedGrant("microsoft", { scopes: ["openid", "profile", "offline_access", "User.Read", "Calendars.ReadWrite"] });
    const raw = await fetch(`${fakes.graph.baseUrl}/me/mailboxSettings`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(raw.status).toBe(403);
    expect(await raw.json()).toMatchObject({ error: { code: "ErrorAccessDenied", message: "Access is denied. Check credentials and try again." } });

    const client = createOutlookCalendarClient(accessToken);
    const error = classifyGraphError(await client.listCalendars(signal()).catch((e: unknown) => e));
    expect(error).toMatchObject({ category: "auth", statusCode: 403 });
    expect(error.message).toBe(
      "Outlook Calendar did not grant the MailboxSettings.Read permission needed to read the mailbox's time zone; reconnect Outlook Calendar and accept “Read your mailbox settings” on Microsoft's consent screen.",
    );
  });

  it("a read-only grant: a write in a $batch names Calendars.ReadWrite", async () => {
    const { accessToken } = fakes.oauth.seedGrant("microsoft", { scopes: ["User.Read", "Calendars.Read", "MailboxSettings.Read"] });
    const client = createOutlookCalendarClient(accessToken);
    expect(await client.listCalendars(signal())).not.toHaveLength(0);
    const [outcome] = await client.batch([{ kind: "create", calendarId: "primary", draft: draft(0) }], signal());
    expect(outcome).toMatchObject({ ok: false, status: 403, category: "auth", message: expect.stringContaining("did not grant the Calendars.ReadWrite permission") });
  });
});
