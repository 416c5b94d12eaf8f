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
  /** The UTC day whose webinars got this reminder. */
  webinarDay: string;
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

  for (const days of reminderDays()) {
    const kind = `${days}d`;
    const from = new Date(today.getTime() + days * DAY_MS);
    const sessions = await db.webinarSession.findMany({
      where: { startsAt: { gte: from, lt: new Date(from.getTime() + DAY_MS) }, status: "scheduled", ...(options.workspaceId ? { workspaceId: options.workspaceId } : {}) },
      include: { registrations: { where: { status: "registered", paymentStatus: { in: ["not_required", "completed"] } }, orderBy: { createdAt: "asc" } } },
      orderBy: { startsAt: "asc" },
    });
    const entry: ReminderKindReport = { kind, days, webinarDay: from.toISOString().slice(0, 10), sessions: sessions.length, sent: 0, failed: 0, skipped: 0 };
    for (const session of sessions) {
      for (const registration of session.registrations) {
        if (!(await claim(db, registration, kind, now))) {
          entry.skipped += 1;
          continue;
        }
        const result = await remind(session, registration, days, options);
        await settle(db, registration.id, kind, result);
        if (result.ok) entry.sent += 1;
        else {
          entry.failed += 1;
          report.failures.push({ registrationId: registration.id, email: registration.email, kind, reason: result.message });
        }
      }
    }
    report.kinds.push(entry);
    report.sent += entry.sent;
    report.failed += entry.failed;
    report.skipped += entry.skipped;
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
