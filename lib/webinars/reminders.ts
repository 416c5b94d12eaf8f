// Webinar reminders, run daily (GET /api/cron/webinar-reminders at 09:00, or `npm run
// job:webinar-reminders`): everyone registered for a webinar that starts in 7 or in 2 days (UTC
// calendar days; WEBINAR_REMINDER_DAYS) gets a reminder in their language.
//
// Never twice: a WebinarReminder row (unique per registration and kind) is inserted before the
// email goes out, so a second run — or two at once — finds it taken and skips. A reminder that
// certainly was not sent (the provider refused it, none was connected) may be claimed again by a
// later run that day; one that may have gone out (timeout, dropped connection) is not retried.
import { config } from "@/lib/config";
import { getDb, type Db } from "@/lib/db/client";
import { sendTemplateEmail, type SendEmailResult } from "@/lib/email";
import { formatInDays } from "@/lib/email/render";
import { Prisma, type Registration, type WebinarSession } from "@/lib/generated/prisma/client";
import type { CallOptions } from "@/lib/pipeline";
import { emailLanguage, webinarEmailValues } from "@/lib/webinars/registrations";

const DAY_MS = 86_400_000;

export interface ReminderKindReport {
  kind: string;
  days: number;
  /** The UTC day whose webinars got this reminder (the first of them, for a late one). */
  webinarDay: string;
  /** A reminder that was due on days the job did not run, sent now (saying how far off the webinar really is). */
  late?: true;
  sessions: number;
  sent: number;
  failed: number;
  /** Already reminded (or being reminded by another run). */
  skipped: number;
}

export interface ReminderReport {
  ranAt: string;
  sent: number;
  failed: number;
  skipped: number;
  kinds: ReminderKindReport[];
  failures: { registrationId: string; email: string; kind: string; reason: string }[];
}

export function reminderDays(): number[] {
  return [...new Set(config().WEBINAR_REMINDER_DAYS.split(",").map(Number))].filter((d) => d > 0).sort((a, b) => b - a);
}

function startOfUtcDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

/** Inserts the reminder row, or re-claims one that certainly was not sent. False: someone else has it. */
async function claim(db: Db, registration: Registration, kind: string, now: Date): Promise<boolean> {
  try {
    await db.webinarReminder.create({ data: { workspaceId: registration.workspaceId, registrationId: registration.id, kind, status: "sending", claimedAt: now } });
    return true;
  } catch (error) {
    if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")) throw error;
  }
  const retried = await db.webinarReminder.updateMany({
    where: { registrationId: registration.id, kind, status: "failed", mayHaveBeenSent: false },
    data: { status: "sending", attempts: { increment: 1 }, claimedAt: now, error: null },
  });
  return retried.count === 1;
}

async function settle(db: Db, registrationId: string, kind: string, result: SendEmailResult): Promise<void> {
  await db.webinarReminder.update({
    where: { registrationId_kind: { registrationId, kind } },
    data: result.ok
      ? { status: "sent", sentAt: new Date(), provider: result.provider, messageId: result.messageId ?? null, error: null }
      : { status: "failed", provider: result.provider ?? null, error: result.message, mayHaveBeenSent: result.delivery === "unknown" },
  });
}

export interface ReminderOptions {
  now?: Date;
  /**
   * When the job last ran to the end. Reminders that fell due on the days since (the server was
   * down, the scheduler missed them) go out now, late, for webinars still ahead.
   */
  lastRunAt?: Date | null;
  /** Only this workspace (the default is every workspace). */
  workspaceId?: string;
  actor?: string;
  callOptions?: CallOptions;
}

export async function sendWebinarReminders(options: ReminderOptions = {}): Promise<ReminderReport> {
  const db = await getDb();
  const now = options.now ?? new Date();
  const today = startOfUtcDay(now);
  const report: ReminderReport = { ranAt: now.toISOString(), sent: 0, failed: 0, skipped: 0, kinds: [], failures: [] };

  type Session = WebinarSession & { registrations: Registration[] };
  const sessionsStarting = (from: Date, to: Date): Promise<Session[]> =>
    db.webinarSession.findMany({
      where: { startsAt: { gte: from, lt: to }, status: "scheduled", ...(options.workspaceId ? { workspaceId: options.workspaceId } : {}) },
      include: { registrations: { where: { status: "registered", paymentStatus: { in: ["not_required", "completed"] } }, orderBy: { createdAt: "asc" } } },
      orderBy: { startsAt: "asc" },
    });
  const remindAll = async (sessions: Session[], entry: ReminderKindReport) => {
    for (const session of sessions) {
      // Late reminders say how far off the webinar really is.
      const daysAhead = entry.late ? Math.round((startOfUtcDay(session.startsAt).getTime() - today.getTime()) / DAY_MS) : entry.days;
      for (const registration of session.registrations) {
        if (!(await claim(db, registration, entry.kind, now))) {
          entry.skipped += 1;
          continue;
        }
        const result = await remind(session, registration, daysAhead, options);
        await settle(db, registration.id, entry.kind, result);
        if (result.ok) entry.sent += 1;
        else {
          entry.failed += 1;
          report.failures.push({ registrationId: registration.id, email: registration.email, kind: entry.kind, reason: result.message });
        }
      }
    }
    report.kinds.push(entry);
    report.sent += entry.sent;
    report.failed += entry.failed;
    report.skipped += entry.skipped;
  };

  const kinds = reminderDays();
  const remindedNow = new Set<string>();
  for (const days of kinds) {
    const from = new Date(today.getTime() + days * DAY_MS);
    const sessions = await sessionsStarting(from, new Date(from.getTime() + DAY_MS));
    for (const session of sessions) remindedNow.add(session.id);
    await remindAll(sessions, { kind: `${days}d`, days, webinarDay: from.toISOString().slice(0, 10), sessions: sessions.length, sent: 0, failed: 0, skipped: 0 });
  }

  // Days missed since the last run (at most as far back as the longest reminder reaches): each
  // webinar still ahead gets the nearest reminder it missed, once — not one per missed kind.
  if (options.lastRunAt) {
    const longest = Math.max(...kinds);
    const firstMissed = Math.max(startOfUtcDay(options.lastRunAt).getTime() + DAY_MS, today.getTime() - longest * DAY_MS);
    if (firstMissed < today.getTime()) {
      for (const days of [...kinds].sort((a, b) => a - b)) {
        const sessions = (await sessionsStarting(new Date(firstMissed + days * DAY_MS), new Date(today.getTime() + days * DAY_MS))).filter(
          (session) => session.startsAt > now && !remindedNow.has(session.id),
        );
        for (const session of sessions) remindedNow.add(session.id);
        if (sessions.length) {
          const first = new Date(firstMissed + days * DAY_MS).toISOString().slice(0, 10);
          await remindAll(sessions, { kind: `${days}d`, days, webinarDay: first, late: true, sessions: sessions.length, sent: 0, failed: 0, skipped: 0 });
        }
      }
    }
  }
  return report;
}

function remind(session: WebinarSession, registration: Registration, days: number, options: ReminderOptions): Promise<SendEmailResult> {
  const language = emailLanguage(registration.language);
  return sendTemplateEmail(
    session.workspaceId,
    { to: registration.email, template: "webinar_reminder", language, values: { ...webinarEmailValues(session, registration, language), when: formatInDays(days, language) } },
    { actor: options.actor ?? "cron", callOptions: options.callOptions },
  );
}
