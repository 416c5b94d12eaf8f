// Both calendar clients against the project's fakes, over real HTTP: googleapis (and the
// multipart batch through the OAuth2 client) for Google, fetch for Microsoft Graph.
import { beforeEach, describe, expect, it } from "vitest";
import type { CalendarClient, EventDraft } from "@/lib/integrations/kit/ports/calendar";
import { createGoogleCalendarClient, classifyGoogleError, googleEventId } from "@/lib/integrations/google-calendar/client";
import { createOutlookCalendarClient } from "@/lib/integrations/outlook-calendar/client";
import { GOOGLE_TOKENS } from "@/tests/fakes/google-calendar";
import { GRAPH_TOKENS } from "@/tests/fakes/graph";
import { useCalendarFakes } from "@/tests/unit/calendar/fakes";

const fakes = useCalendarFakes();
const signal = () => AbortSignal.timeout(5000);

const at = (iso: string) => Date.parse(iso);
const draft = (n: number, extra: Partial<EventDraft> = {}): EventDraft =>
  ({
    summary: `Event ${n}`,
    timeZone: "Europe/Berlin",
    allDay: false,
    start: at("2026-12-01T09:00:00Z") + n * 3600_000,
    end: at("2026-12-01T09:30:00Z") + n * 3600_000,
    ...extra,
  }) as EventDraft;

describe("Google Calendar client (googleapis)", () => {
  let client: CalendarClient;
  beforeEach(async () => {
    client = await createGoogleCalendarClient(GOOGLE_TOKENS.valid, { batchSize: 10 });
  });

  it("creates, reads back in a range, updates and deletes an event", async () => {
    const created = await client.createEvent(
      "primary",
      draft(0, {
        videoMeeting: true,
        idempotencyKey: "k1",
        reminders: [
          { method: "email", minutes: 1440 },
          { method: "popup", minutes: 30 },
        ],
      }),
      signal(),
    );
    expect(created.id).toBe(googleEventId("k1"));
    expect(created.meetingUrl).toMatch(/^https:\/\/meet\.google\.com\//);
    // Sent as wall-clock time in the event's zone with its offset (unambiguous in the repeated hour).
    expect(fakes.google.calls[0]!.body).toMatchObject({ start: { dateTime: "2026-12-01T10:00:00+01:00", timeZone: "Europe/Berlin" } });
    const stored = fakes.google.listEvents("primary")[0]!;
    expect(stored.start).toEqual({ dateTime: "2026-12-01T10:00:00+01:00", timeZone: "Europe/Berlin" });
    expect(created.allDay ? 0 : created.start).toBe(at("2026-12-01T09:00:00Z"));
    expect(stored.reminders).toEqual({
      useDefault: false,
      overrides: [
        { method: "email", minutes: 1440 },
        { method: "popup", minutes: 30 },
      ],
    });
    // Sent again with the same key: no second event.
    const again = await client.createEvent("primary", draft(0, { idempotencyKey: "k1" }), signal());
    expect(again.id).toBe(created.id);
    expect(fakes.google.listEvents("primary")).toHaveLength(1);

    const listed = await client.listEvents("primary", { start: at("2026-12-01T00:00:00Z"), end: at("2026-12-02T00:00:00Z") }, signal());
    expect(listed.map((e) => e.title)).toEqual(["Event 0"]);
    const updated = await client.updateEvent("primary", created.id, draft(1, { summary: "Moved" }), signal());
    expect(updated.title).toBe("Moved");
    await client.deleteEvent("primary", created.id, signal());
    await client.deleteEvent("primary", created.id, signal()); // already gone: fine
    expect(fakes.google.listEvents("primary")).toHaveLength(0);
  });

  it("sends a multipart batch and reads one outcome per call, failures included", async () => {
    fakes.google.failCalls({ status: 429, retryAfter: 2 }, 1);
    const outcomes = await client.batch(
      [0, 1, 2].map((n) => ({ kind: "create" as const, calendarId: "primary", draft: draft(n) })),
      signal(),
    );
    expect(fakes.google.batchRequests()).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ ok: false, status: 429, category: "rate_limit", retryAfterMs: 2000 });
    expect(outcomes[1]).toMatchObject({ ok: true, event: { title: "Event 1" } });
    expect(outcomes[2]).toMatchObject({ ok: true, event: { title: "Event 2" } });
  });

  it("classifies a rejected token as auth and a 410 keeps its status", async () => {
    const bad = await createGoogleCalendarClient(GOOGLE_TOKENS.invalid);
    const error = await bad.listEvents("primary", { start: 0, end: 1 }, signal()).catch((e) => e);
    expect(classifyGoogleError(error)).toMatchObject({ category: "auth", statusCode: 401 });
    const first = await client.syncPage("primary", { cursor: null, continuation: null, window: { start: 0, end: 1 } }, signal());
    expect(first.next.done).toBe(true);
    fakes.google.expireSyncTokens();
    const cursor = first.next.done ? first.next.cursor : "";
    const gone = await client.syncPage("primary", { cursor, continuation: null, window: { start: 0, end: 1 } }, signal()).catch((e) => e);
    expect(classifyGoogleError(gone)).toMatchObject({ category: "permanent", statusCode: 410 });
  });
});

describe("Outlook client (Microsoft Graph)", () => {
  let client: CalendarClient;
  beforeEach(() => {
    client = createOutlookCalendarClient(GRAPH_TOKENS.valid);
  });

  it("creates an event with a Teams meeting, reads it back in UTC, deletes it", async () => {
    const created = await client.createEvent(
      "primary",
      draft(0, {
        videoMeeting: true,
        idempotencyKey: "k1",
        reminders: [
          { method: "email", minutes: 1440 },
          { method: "popup", minutes: 30 },
        ],
      }),
      signal(),
    );
    expect(created.meetingUrl).toMatch(/teams\.microsoft\.com/);
    expect(created.allDay ? 0 : created.start).toBe(at("2026-12-01T09:00:00Z"));
    const stored = fakes.graph.listEvents("primary")[0]!;
    expect(stored.sentStart).toEqual({ dateTime: "2026-12-01T10:00:00", timeZone: "Europe/Berlin" });
    expect(stored.reminderMinutesBeforeStart).toBe(30);
    const again = await client.createEvent("primary", draft(0, { idempotencyKey: "k1" }), signal());
    expect(again.id).toBe(created.id);
    expect(await client.timeZone("primary", signal())).toBe("Europe/Berlin");
    await client.deleteEvent("primary", created.id, signal());
    await client.deleteEvent("primary", created.id, signal());
    expect(fakes.graph.listEvents("primary")).toHaveLength(0);
  });

  it("matches $batch answers by id, whatever their order", async () => {
    fakes.graph.failCalls({ status: 429, retryAfter: 3, match: (c) => (c.body as { subject?: string })?.subject === "Event 1" });
    const outcomes = await client.batch(
      [0, 1, 2].map((n) => ({ kind: "create" as const, calendarId: "primary", draft: draft(n) })),
      signal(),
    );
    expect(fakes.graph.batchRequests()).toHaveLength(1);
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true]);
    expect(outcomes[1]).toMatchObject({ status: 429, category: "rate_limit", retryAfterMs: 3000 });
    expect(outcomes[2]).toMatchObject({ event: { title: "Event 2" } });
  });
});
