// The calendar routes, called as Next calls them, with the session seam replaced by a fixed
// signed-in user. Everything below — validation, lib/calendar, pipeline, database, clients
// against the fake Google Calendar and Graph — is real.
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import { auth } from "@/tests/helpers/fake-session";
import { GOOGLE_TOKENS } from "@/tests/fakes/google-calendar";
import { GRAPH_TOKENS } from "@/tests/fakes/graph";
import { colleague } from "../integrations/setup";
import { adminWithCalendars, useCalendarHarness } from "../calendar/setup";

vi.mock("@/lib/auth/session", () => import("@/tests/helpers/fake-session"));

const calendarsRoute = await import("@/app/api/calendar/calendars/route");
const availabilityRoute = await import("@/app/api/calendar/availability/route");
const weeksRoute = await import("@/app/api/calendar/availability/weeks/route");
const hoursRoute = await import("@/app/api/calendar/working-hours/route");
const bookingsRoute = await import("@/app/api/calendar/bookings/route");
const bookingRoute = await import("@/app/api/calendar/bookings/[reference]/route");
const batchRoute = await import("@/app/api/calendar/batch/route");
const jobRoute = await import("@/app/api/calendar/batch/[jobId]/route");
const syncRoute = await import("@/app/api/calendar/sync/route");
const eventsRoute = await import("@/app/api/calendar/events/route");
const cronRoute = await import("@/app/api/cron/[job]/route");

const h = useCalendarHarness();
let admin: SessionUser;
beforeEach(async () => {
  admin = (await adminWithCalendars(h.t.db)).user;
  auth.user = admin;
});

const noParams = { params: Promise.resolve({}) };
const calendarSyncJob = { params: Promise.resolve({ job: "calendar-sync" }) };
const SECRETS = [GOOGLE_TOKENS.valid, GRAPH_TOKENS.valid, "refresh-not-used-here"];

async function read(response: Response) {
  const text = await response.text();
  for (const secret of SECRETS) expect(text).not.toContain(secret);
  return { status: response.status, body: text ? JSON.parse(text) : {} };
}

function request(method: string, path: string, body?: unknown) {
  return new Request(`http://localhost${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** Polls GET /api/calendar/batch/{jobId} until the job is no longer queued or running. */
async function finished(jobId: string) {
  const params = { params: Promise.resolve({ jobId }) };
  let progress = await read(await jobRoute.GET(request("GET", `/api/calendar/batch/${jobId}`), params));
  for (let i = 0; i < 400 && ["queued", "running"].includes(progress.body.status); i++) {
    await new Promise((r) => setTimeout(r, 50));
    progress = await read(await jobRoute.GET(request("GET", `/api/calendar/batch/${jobId}`), params));
  }
  return progress;
}

const get = (route: { GET: (r: Request, c: typeof noParams) => Promise<Response> }, path: string) => route.GET(request("GET", path), noParams).then(read);

describe("reads", () => {
  it("lists calendars per provider, with a message for one that is not connected", async () => {
    await h.t.db.connection.updateMany({ where: { providerId: "outlook-calendar" }, data: { status: "disconnected" } });
    const { status, body } = await get(calendarsRoute, "/api/calendar/calendars");
    expect(status).toBe(200);
    expect(body.providers[0]).toMatchObject({ providerId: "google-calendar", connected: true, calendars: [{ ref: "google-calendar", primary: true, timeZone: "Europe/Berlin" }] });
    expect(body.providers[1]).toMatchObject({ providerId: "outlook-calendar", connected: false, message: "Outlook Calendar is not connected in this workspace" });
  });

  it("checks availability, and answers 400 for bad ranges, zones and calendars", async () => {
    h.google.addEvent("primary", { summary: "Busy", start: { dateTime: "2026-12-01T10:30:00+01:00" }, end: { dateTime: "2026-12-01T11:30:00+01:00" } });
    const ok = await get(availabilityRoute, "/api/calendar/availability?calendar=google-calendar&start=2026-12-01T10:00&end=2026-12-01T11:00&timeZone=Europe/Berlin");
    expect(ok).toMatchObject({ status: 200, body: { available: false, checked: true, conflicts: [{ title: "Busy" }] } });

    const backwards = await get(availabilityRoute, "/api/calendar/availability?calendar=google-calendar&start=2026-12-01T11:00Z&end=2026-12-01T10:00Z");
    expect(backwards).toMatchObject({ status: 400, body: { fields: { "query.end": "The range must end after it starts" } } });
    const zone = await get(availabilityRoute, "/api/calendar/availability?calendar=google-calendar&start=2026-12-01T10:00&end=2026-12-01T11:00&timeZone=Moon/Base");
    expect(zone.status).toBe(400);
    expect(zone.body.error).toMatch(/timeZone/);
    const unknown = await get(availabilityRoute, "/api/calendar/availability?calendar=yahoo&start=2026-12-01T10:00Z&end=2026-12-01T11:00Z");
    expect(unknown).toMatchObject({ status: 400 });
    expect(unknown.body.error).toMatch(/Unknown calendar "yahoo"/);
    const long = await get(availabilityRoute, "/api/calendar/availability?calendar=google-calendar&start=2026-01-01T00:00Z&end=2026-03-01T00:00Z");
    expect(long.body.fields["query.end"]).toMatch(/31 days/);
    expect((await get(availabilityRoute, "/api/calendar/availability?calendar=google-calendar")).status).toBe(400);
  });

  it("gives weeks of availability, and 400 for too many weeks or bad dates", async () => {
    const ok = await get(weeksRoute, "/api/calendar/availability/weeks?calendars=google-calendar,outlook-calendar&start=2026-12-07&weeks=1");
    expect(ok.status).toBe(200);
    expect(ok.body.calendars.map((c: { calendar: string; days: unknown[] }) => [c.calendar, c.days.length])).toEqual([
      ["google-calendar", 7],
      ["outlook-calendar", 7],
    ]);
    expect((await get(weeksRoute, "/api/calendar/availability/weeks?calendars=google-calendar&weeks=13")).body.fields["query.weeks"]).toMatch(/At most 12/);
    expect((await get(weeksRoute, "/api/calendar/availability/weeks?calendars=google-calendar&start=2026-02-30")).status).toBe(400);
    expect((await get(weeksRoute, "/api/calendar/availability/weeks?calendars=,")).status).toBe(400);
  });

  it("lists the next events from the local records, and refuses a bad limit", async () => {
    expect(await get(eventsRoute, "/api/calendar/events?limit=5")).toMatchObject({ status: 200, body: { events: [] } });
    expect((await get(eventsRoute, "/api/calendar/events?limit=0")).status).toBe(400);
  });
});

describe("changes", () => {
  it("stores working hours, refusing hours that end before they start", async () => {
    const bad = await read(await hoursRoute.PUT(request("PUT", "/api/calendar/working-hours", { calendar: "google-calendar", dayStart: "17:00", dayEnd: "09:00" }), noParams));
    expect(bad).toMatchObject({ status: 400, body: { fields: { dayEnd: expect.stringMatching(/after dayStart/) } } });
    const saved = await read(
      await hoursRoute.PUT(
        request("PUT", "/api/calendar/working-hours", { calendar: "google-calendar", timeZone: "Asia/Tokyo", dayStart: "10:00", dayEnd: "18:30", weekdays: [5, 1, 1] }),
        noParams,
      ),
    );
    expect(saved).toMatchObject({ status: 200, body: { calendar: "google-calendar", timeZone: "Asia/Tokyo", weekdays: [1, 5], stored: true } });
    expect(await get(hoursRoute, "/api/calendar/working-hours?calendar=google-calendar")).toMatchObject({ body: { dayStart: "10:00", stored: true } });
    expect(await get(hoursRoute, "/api/calendar/working-hours?calendar=outlook-calendar")).toMatchObject({ body: { dayStart: "09:00", stored: false } });
  });

  it("creates, reads, updates and cancels a booking", async () => {
    const body = {
      calendar: "outlook-calendar",
      reference: "BK-9",
      client: { name: "Ada", email: "ada@example.com" },
      consultant: { email: "grace@plugboard.test" },
      start: "2026-12-01T10:00",
      end: "2026-12-01T10:30",
      timeZone: "Europe/Berlin",
    };
    const created = await read(await bookingsRoute.POST(request("POST", "/api/calendar/bookings", body), noParams));
    expect(created).toMatchObject({ status: 201, body: { reference: "BK-9", calendar: "outlook-calendar", summary: "Consultation - Ada" } });
    const params = { params: Promise.resolve({ reference: "BK-9" }) };
    expect(await read(await bookingRoute.GET(request("GET", "/api/calendar/bookings/BK-9"), params))).toMatchObject({ status: 200 });
    const patched = await read(await bookingRoute.PATCH(request("PATCH", "/api/calendar/bookings/BK-9", { end: "2026-12-01T11:00" }), params));
    expect(patched).toMatchObject({ status: 200, body: { end: "2026-12-01T10:00:00.000Z" } });
    expect((await read(await bookingRoute.PATCH(request("PATCH", "/api/calendar/bookings/BK-9", { calendar: "google-calendar" }), params))).status).toBe(400);
    expect(await read(await bookingRoute.DELETE(request("DELETE", "/api/calendar/bookings/BK-9"), params))).toMatchObject({ status: 200, body: { cancelled: true } });
    expect((await read(await bookingRoute.GET(request("GET", "/api/calendar/bookings/BK-9"), params))).status).toBe(404);
    const missing = await read(await bookingsRoute.POST(request("POST", "/api/calendar/bookings", { ...body, client: undefined }), noParams));
    expect(missing).toMatchObject({ status: 400, body: { fields: { client: expect.any(String) } } });
  });

  it("accepts a batch bigger than the default body limit, answers 202, and shows progress to the end", async () => {
    const events = Array.from({ length: 600 }, (_, i) => ({
      summary: `Event number ${i} with a longer title`,
      start: `2026-12-10T${String(8 + (i % 10)).padStart(2, "0")}:00`,
      end: `2026-12-10T${String(8 + (i % 10)).padStart(2, "0")}:30`,
      reference: `R-${i}`,
    }));
    const body = JSON.stringify({ calendar: "google-calendar", timeZone: "Europe/Berlin", events });
    expect(body.length).toBeGreaterThan(64 * 1024);
    const accepted = await read(await batchRoute.POST(request("POST", "/api/calendar/batch", body), noParams));
    expect(accepted).toMatchObject({ status: 202, body: { status: "queued", total: 600, done: 0 } });
    const progress = await finished(accepted.body.id);
    expect(progress.body).toMatchObject({ status: "completed", done: 600, succeeded: 600, total: 600, percent: 100, requests: 12 });
    expect(h.google.batchRequests()).toHaveLength(12);
    const jobs = await read(await batchRoute.GET(request("GET", "/api/calendar/batch"), noParams));
    expect(jobs.body.jobs[0]).toMatchObject({ id: accepted.body.id, status: "completed" });

    const deleting = await read(
      await batchRoute.DELETE(
        request("DELETE", "/api/calendar/batch", { calendar: "google-calendar", range: { start: "2026-12-10T00:00:00Z", end: "2026-12-11T00:00:00Z" } }),
        noParams,
      ),
    );
    expect(deleting).toMatchObject({ status: 202, body: { operation: "delete", total: 600 } });
    expect((await finished(deleting.body.id)).body).toMatchObject({ succeeded: 600 });
    expect(h.google.listEvents("primary")).toHaveLength(0);
  });

  it("answers 400, 404, 413 and 415 for input a person can fix", async () => {
    const bad = (body: unknown) => batchRoute.POST(request("POST", "/api/calendar/batch", body), noParams).then(read);
    expect((await bad("{nope")).body.error).toMatch(/not valid JSON/);
    expect(await bad({ calendar: "google-calendar", events: [] })).toMatchObject({ status: 400, body: { fields: { events: "Send at least one event" } } });
    expect((await bad({ calendar: "google-calendar", events: [{ summary: "x", start: "2026-12-01T10:00", end: "2026-12-01T11:00", colour: "red" }] })).status).toBe(400);
    const tooBig = "x".repeat(5 * 1024 * 1024);
    expect((await bad(JSON.stringify({ calendar: "google-calendar", events: [{ summary: tooBig }] }))).status).toBe(413);
    const form = await batchRoute
      .POST(new Request("http://localhost/api/calendar/batch", { method: "POST", headers: { "content-type": "text/plain" }, body: "a" }), noParams)
      .then(read);
    expect(form.status).toBe(415);
    expect((await read(await batchRoute.DELETE(request("DELETE", "/api/calendar/batch", { calendar: "google-calendar", ids: [], range: {} }), noParams))).status).toBe(400);
    const unknownJob = await read(await jobRoute.GET(request("GET", "/api/calendar/batch/nope"), { params: Promise.resolve({ jobId: "nope" }) }));
    expect(unknownJob.status).toBe(404);
  });

  it("syncs on request and shows the status", async () => {
    h.google.addEvent("primary", {
      summary: "Soon",
      start: { dateTime: new Date(Date.now() + 3600_000).toISOString() },
      end: { dateTime: new Date(Date.now() + 7200_000).toISOString() },
    });
    const synced = await read(await syncRoute.POST(request("POST", "/api/calendar/sync"), noParams));
    expect(synced.status).toBe(200);
    expect(synced.body.results.map((r: { providerId: string; usage: string }) => [r.providerId, r.usage])).toEqual([
      ["google-calendar", "1 upcoming / 1 total"],
      ["outlook-calendar", "0 upcoming / 0 total"],
    ]);
    const one = await read(await syncRoute.POST(request("POST", "/api/calendar/sync", { calendar: "google-calendar" }), noParams));
    expect(one.body.results).toHaveLength(1);
    expect((await read(await syncRoute.POST(request("POST", "/api/calendar/sync", { calendar: "exchange" }), noParams))).status).toBe(400);
    const status = await get(syncRoute, "/api/calendar/sync");
    expect(status.body.providers[0]).toMatchObject({ providerId: "google-calendar", usage: "1 upcoming / 1 total", calendars: [{ incremental: true }] });
  });

  it("lets a viewer read but not change", async () => {
    auth.user = await colleague(h.t.db, admin, "viewer");
    expect((await get(syncRoute, "/api/calendar/sync")).status).toBe(200);
    expect((await read(await syncRoute.POST(request("POST", "/api/calendar/sync"), noParams))).status).toBe(403);
    expect((await read(await batchRoute.POST(request("POST", "/api/calendar/batch", { calendar: "google-calendar", events: [] }), noParams))).status).toBe(403);
    auth.user = null;
    expect((await get(calendarsRoute, "/api/calendar/calendars")).status).toBe(401);
  });

  it("runs the cron route only with the cron secret", async () => {
    expect((await read(await cronRoute.GET(request("GET", "/api/cron/calendar-sync"), calendarSyncJob))).status).toBe(401);
    const ok = await cronRoute
      .GET(new Request("http://localhost/api/cron/calendar-sync", { headers: { authorization: `Bearer ${process.env.CRON_SECRET}` } }), calendarSyncJob)
      .then(read);
    expect(ok).toMatchObject({ status: 200, body: { connections: 2, failed: 0 } });
  });
});
