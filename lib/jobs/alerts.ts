// A job that fails twice in a row tells the admins, through each workspace's email capability.
// Once per streak: the alert goes out exactly at the second failure since the last success, so a
// third failure says nothing new, and a success followed by two failures alerts again.
// Jobs are deployment-wide, so every workspace with an email connection has its admins told.
import { config } from "@/lib/config";
import type { Db } from "@/lib/db/client";
import { sendTemplateEmail, EMAIL_LANGUAGES, type EmailLanguage, type SendEmailResult, type TemplateEmail } from "@/lib/email";
import { describeSchedule } from "@/lib/jobs/schedule";
import type { Job } from "@/lib/jobs/registry";
import { providersWith } from "@/lib/integrations/registry";
import { logger } from "@/lib/log";

/** Sends one alert email; sendTemplateEmail in production, a recorder in tests (as health/check.ts). */
export type JobAlertNotifier = (workspaceId: string, email: TemplateEmail) => Promise<SendEmailResult>;

export const JOB_ALERT_ACTOR = "job-alert";
/** The failure that alerts: the second in a row. */
export const ALERT_AT_FAILURES = 2;

const defaultNotifier: JobAlertNotifier = (workspaceId, email) => sendTemplateEmail(workspaceId, email, { actor: JOB_ALERT_ACTOR });

/** Failed runs of the job that finished after its last success (all of them when it never succeeded). */
export async function consecutiveFailures(db: Db, jobName: string): Promise<number> {
  const lastSuccess = await db.jobRun.findFirst({
    where: { job: jobName, status: "succeeded" },
    orderBy: [{ finishedAt: "desc" }, { startedAt: "desc" }],
    select: { finishedAt: true },
  });
  return db.jobRun.count({
    where: { job: jobName, status: "failed", ...(lastSuccess?.finishedAt ? { finishedAt: { gt: lastSuccess.finishedAt } } : {}) },
  });
}

function language(value: string): EmailLanguage {
  return (EMAIL_LANGUAGES as readonly string[]).includes(value) ? (value as EmailLanguage) : "en";
}

function scheduleWords(job: Job): string | undefined {
  try {
    return describeSchedule(job.schedule);
  } catch {
    return undefined;
  }
}

/**
 * Called once a run of `job` has finished as failed: at the second failure in a row, one email to
 * each admin of every workspace with an email connection. Returns how many were sent and failed.
 */
export async function alertOnRepeatedFailure(db: Db, job: Job, error: string, notify: JobAlertNotifier = defaultNotifier): Promise<{ sent: number; failed: number } | null> {
  const failures = await consecutiveFailures(db, job.name);
  if (failures !== ALERT_AT_FAILURES) return null;
  const emailProviders = providersWith("email").map((p) => p.id);
  const connections = await db.connection.findMany({
    where: { providerId: { in: emailProviders }, status: { not: "disconnected" } },
    select: { workspaceId: true },
    distinct: ["workspaceId"],
  });
  const workspaceIds = connections.map((c) => c.workspaceId);
  const result = { sent: 0, failed: 0 };
  if (!workspaceIds.length) {
    logger.warn("job failed twice in a row; no workspace has email connected to alert its admins", { job: job.name });
    return result;
  }
  const admins = await db.user.findMany({
    where: { workspaceId: { in: workspaceIds }, role: "admin" },
    select: { email: true, name: true, language: true, workspaceId: true },
    orderBy: [{ workspaceId: "asc" }, { email: "asc" }],
  });
  const base = (config().NEXTAUTH_URL ?? `http://localhost:${config().PORT}`).replace(/\/+$/, "");
  const schedule = scheduleWords(job);
  for (const admin of admins) {
    const email: TemplateEmail = {
      to: admin.email,
      template: "job_failed",
      language: language(admin.language),
      values: {
        job: job.name,
        failures: String(failures),
        // The reason as the run recorded it, cut short: an email is no place for a stack of text.
        error: error.slice(0, 500),
        ...(schedule ? { schedule } : {}),
        dashboard_url: `${base}/jobs`,
        ...(admin.name ? { name: admin.name } : {}),
      },
    };
    let sent: SendEmailResult;
    try {
      sent = await notify(admin.workspaceId, email);
    } catch (thrown) {
      sent = { ok: false, category: "permanent", message: (thrown as Error).message, gracefulFail: true, delivery: "not_sent" };
    }
    if (sent.ok) result.sent += 1;
    else {
      result.failed += 1;
      logger.warn("job failure alert email not sent", { job: job.name, workspaceId: admin.workspaceId, reason: sent.message });
    }
  }
  return result;
}
