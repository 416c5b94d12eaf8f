// Registrations (confirmation email in the registrant's language, capacity, one per email) and the
// daily reminders: 7 and 2 days ahead, in each registrant's language, never twice.
import { describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import { connectApiKey } from "@/lib/connections/api-key";
import { createRegistration } from "@/lib/webinars/registrations";
import { sendWebinarReminders } from "@/lib/webinars/reminders";
import { SMTP_LOGIN } from "@/tests/fakes/smtp";
import { rejection, signedIn, useHarness } from "@/tests/integration/integrations/setup";

const h = useHarness();
const NOW = new Date("2026-12-03T09:00:00Z");

async function withSmtp(): Promise<SessionUser> {
  const user = await signedIn(h.t.db);
  await connectApiKey(user, "smtp", {
    host: "127.0.0.1",
    port: String(h.fakes.smtp.port),
    security: "none",
    username: SMTP_LOGIN.username,
    password: SMTP_LOGIN.password,
    fromEmail: "events@plugboard.test",
  });
  return user;
}

async function webinar(user: SessionUser, title: string, startsAt: string, extra: Record<string, unknown> = {}) {
  return h.t.db.webinarSession.create({
    data: { workspaceId: user.workspaceId, title, startsAt: new Date(startsAt), status: "scheduled", onlineUrl: "https://webinar.example.com/x", ...extra },
  });
}

async function register(user: SessionUser, sessionId: string, email: string, extra: Record<string, unknown> = {}) {
  return h.t.db.registration.create({ data: { workspaceId: user.workspaceId, sessionId, name: email.split("@")[0]!, email, ...extra } });
}

describe("registrations", () => {
  it("sends the confirmation in the registrant's language when a registration is created", async () => {
    const user = await withSmtp();
    const session = await webinar(user, "KI & Automatisierung", "2026-12-10T16:00:00Z", { durationMinutes: 45 });
    const created = await createRegistration(
      user.workspaceId,
      { sessionId: session.id, name: "Bernd", email: "bernd@example.test", phone: null, company: null, language: "de" },
      "test",
    );
    expect(created.confirmation).toMatchObject({ ok: true, provider: "smtp" });
    expect(created.registration).toMatchObject({ email: "bernd@example.test", language: "de", confirmationSentAt: expect.any(String) });
    const [mail] = h.fakes.smtp.received;
    expect(mail!.to).toEqual(["bernd@example.test"]);
    expect(mail!.subject).toBe("Webinar-Anmeldung bestätigt - KI & Automatisierung");
    expect(mail!.text).toContain("Datum und Uhrzeit: Donnerstag, 10. Dezember 2026, 16:00 UTC");
    expect(mail!.text).toContain("Dauer: 45 Minuten");
    expect(mail!.html).toContain("KI &amp; Automatisierung");
  });

  it("keeps the registration when the email cannot be sent, and says why", async () => {
    const user = await signedIn(h.t.db);
    const session = await webinar(user, "Intro", "2026-12-10T16:00:00Z");
    const created = await createRegistration(
      user.workspaceId,
      { sessionId: session.id, name: "Ada", email: "ada@example.test", phone: null, company: null, language: "en" },
      "test",
    );
    expect(created.confirmation).toMatchObject({ ok: false, message: expect.stringMatching(/No email provider is connected/) });
    expect(created.registration.confirmationSentAt).toBeNull();
    expect(await h.t.db.registration.count()).toBe(1);
  });

  it("refuses a second registration of the same email, a full webinar, and another workspace's webinar", async () => {
    const user = await signedIn(h.t.db);
    const session = await webinar(user, "Small", "2026-12-10T16:00:00Z", { capacity: 1 });
    const input = { sessionId: session.id, name: "Ada", email: "ada@example.test", phone: null, company: null, language: "en" as const };
    await createRegistration(user.workspaceId, input, "test");
    expect((await rejection(createRegistration(user.workspaceId, input, "test"))).status).toBe(409);
    const full = await rejection(createRegistration(user.workspaceId, { ...input, email: "grace@example.test" }, "test"));
    expect(full).toMatchObject({ status: 409, message: expect.stringMatching(/full \(1 places\)/) });
    const stranger = await signedIn(h.t.db, "admin", "Other");
    expect((await rejection(createRegistration(stranger.workspaceId, input, "test"))).status).toBe(404);
  });
});

describe("webinar reminders", () => {
  it("reminds registrants 7 and 2 days ahead in their language, and a second run sends nothing again", async () => {
    const user = await withSmtp();
    const inSeven = await webinar(user, "Automation", "2026-12-10T16:00:00Z");
    const inTwo = await webinar(user, "Datenschutz", "2026-12-05T10:00:00Z");
    const inThree = await webinar(user, "Not today", "2026-12-06T10:00:00Z");
    const cancelled = await webinar(user, "Cancelled", "2026-12-10T10:00:00Z", { status: "cancelled" });
    await register(user, inSeven.id, "ada@example.test");
    await register(user, inSeven.id, "bernd@example.test", { language: "de" });
    await register(user, inSeven.id, "gone@example.test", { status: "cancelled" });
    await register(user, inSeven.id, "unpaid@example.test", { paymentStatus: "pending" });
    await register(user, inTwo.id, "clara@example.test", { language: "de" });
    await register(user, inThree.id, "dora@example.test");
    await register(user, cancelled.id, "eve@example.test");

    const first = await sendWebinarReminders({ now: NOW });
    expect(first).toMatchObject({ sent: 3, failed: 0, skipped: 0 });
    expect(first.kinds).toEqual([
      { kind: "7d", days: 7, webinarDay: "2026-12-10", sessions: 1, sent: 2, failed: 0, skipped: 0 },
      { kind: "2d", days: 2, webinarDay: "2026-12-05", sessions: 1, sent: 1, failed: 0, skipped: 0 },
    ]);
    const bySubject = Object.fromEntries(h.fakes.smtp.received.map((m) => [m.to[0], m]));
    expect(Object.keys(bySubject).sort()).toEqual(["ada@example.test", "bernd@example.test", "clara@example.test"]);
    expect(bySubject["ada@example.test"]!.subject).toBe("Webinar Reminder - Automation starts in 7 days");
    expect(bySubject["ada@example.test"]!.text).toContain("the webinar you registered for starts in 7 days");
    expect(bySubject["ada@example.test"]!.text).toContain("Date and time: Thursday, 10 December 2026, 16:00 UTC");
    expect(bySubject["bernd@example.test"]!.subject).toBe("Webinar-Erinnerung - Automation beginnt in 7 Tagen");
    expect(bySubject["bernd@example.test"]!.html).toContain("beginnt in 7 Tagen");
    expect(bySubject["clara@example.test"]!.subject).toBe("Webinar-Erinnerung - Datenschutz beginnt in 2 Tagen");
    expect(bySubject["clara@example.test"]!.text).toContain("Datum und Uhrzeit: Samstag, 5. Dezember 2026, 10:00 UTC");

    // The cron fires again (a retry, a second scheduler): nobody gets a second reminder.
    const second = await sendWebinarReminders({ now: new Date(NOW.getTime() + 60_000) });
    expect(second).toMatchObject({ sent: 0, failed: 0, skipped: 3 });
    expect(h.fakes.smtp.received).toHaveLength(3);
    expect(await h.t.db.webinarReminder.count({ where: { status: "sent" } })).toBe(3);
  });

  it("two runs at the same moment still send each reminder once", async () => {
    const user = await withSmtp();
    const session = await webinar(user, "Automation", "2026-12-10T16:00:00Z");
    for (const name of ["a", "b", "c", "d"]) await register(user, session.id, `${name}@example.test`);
    const [one, two] = await Promise.all([sendWebinarReminders({ now: NOW }), sendWebinarReminders({ now: NOW })]);
    expect(one.sent + two.sent).toBe(4);
    expect(one.skipped + two.skipped).toBe(4);
    expect(h.fakes.smtp.received.map((m) => m.to[0]).sort()).toEqual(["a@example.test", "b@example.test", "c@example.test", "d@example.test"]);
  });

  it("tries again later that day when the reminder certainly was not sent, never when it may have been", async () => {
    const user = await withSmtp();
    const session = await webinar(user, "Automation", "2026-12-10T16:00:00Z");
    const refused = await register(user, session.id, "ada@example.test");
    const unsure = await register(user, session.id, "grace@example.test");
    // grace's reminder failed earlier in a way that may have delivered it (a timeout after sending).
    await h.t.db.webinarReminder.create({
      data: { workspaceId: user.workspaceId, registrationId: unsure.id, kind: "7d", status: "failed", mayHaveBeenSent: true, error: "Timed out" },
    });
    h.fakes.smtp.rejectNext(451, "Try again later", 3);
    const first = await sendWebinarReminders({ now: NOW });
    expect(first).toMatchObject({ sent: 0, failed: 1, skipped: 1 });
    expect(first.failures[0]).toMatchObject({ registrationId: refused.id, reason: expect.stringMatching(/451/) });
    expect(await h.t.db.webinarReminder.findUniqueOrThrow({ where: { registrationId_kind: { registrationId: refused.id, kind: "7d" } } })).toMatchObject({
      status: "failed",
      mayHaveBeenSent: false,
    });

    const second = await sendWebinarReminders({ now: new Date(NOW.getTime() + 3600_000) });
    expect(second).toMatchObject({ sent: 1, skipped: 1 });
    expect(h.fakes.smtp.received.map((m) => m.to[0])).toEqual(["ada@example.test"]);
    expect(await h.t.db.webinarReminder.findUniqueOrThrow({ where: { registrationId_kind: { registrationId: refused.id, kind: "7d" } } })).toMatchObject({
      status: "sent",
      attempts: 2,
    });
  });

  it("catches up the days it did not run: the nearest missed reminder, late, for webinars still ahead", async () => {
    const user = await withSmtp();
    // Last ran on 30 November; 1 and 2 December were missed; today is 3 December.
    const lastRunAt = new Date("2026-11-30T09:00:05Z");
    const dueToday = await webinar(user, "Due today", "2026-12-10T16:00:00Z");
    const sevenMissed = await webinar(user, "Seven missed", "2026-12-08T16:00:00Z");
    const bothMissed = await webinar(user, "Both missed", "2026-12-04T16:00:00Z");
    const alreadyStarted = await webinar(user, "Started", "2026-12-03T08:00:00Z");
    const longAgo = await webinar(user, "Before the last run", "2026-12-06T16:00:00Z");
    for (const [session, email] of [
      [dueToday, "today@example.test"],
      [sevenMissed, "seven@example.test"],
      [bothMissed, "both@example.test"],
      [alreadyStarted, "started@example.test"],
      [longAgo, "ago@example.test"],
    ] as const)
      await register(user, session.id, email);

    const report = await sendWebinarReminders({ now: NOW, lastRunAt });
    expect(report.kinds).toEqual([
      { kind: "7d", days: 7, webinarDay: "2026-12-10", sessions: 1, sent: 1, failed: 0, skipped: 0 },
      { kind: "2d", days: 2, webinarDay: "2026-12-05", sessions: 0, sent: 0, failed: 0, skipped: 0 },
      { kind: "2d", days: 2, webinarDay: "2026-12-03", late: true, sessions: 1, sent: 1, failed: 0, skipped: 0 },
      { kind: "7d", days: 7, webinarDay: "2026-12-08", late: true, sessions: 1, sent: 1, failed: 0, skipped: 0 },
    ]);
    const subjects = Object.fromEntries(h.fakes.smtp.received.map((m) => [m.to[0], m.subject]));
    expect(subjects).toEqual({
      "today@example.test": "Webinar Reminder - Due today starts in 7 days",
      "seven@example.test": "Webinar Reminder - Seven missed starts in 5 days",
      "both@example.test": "Webinar Reminder - Both missed starts in 1 day",
    });
    // Run again: nothing twice. Without a missed day, nothing late.
    expect(await sendWebinarReminders({ now: new Date(NOW.getTime() + 60_000), lastRunAt })).toMatchObject({ sent: 0 });
    expect(h.fakes.smtp.received).toHaveLength(3);
    expect((await sendWebinarReminders({ now: NOW, lastRunAt: new Date("2026-12-02T09:00:00Z") })).kinds.filter((k) => k.late)).toEqual([]);
  });
});
