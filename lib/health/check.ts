// The health check that `GET /api/cron/health-check` (every 15 minutes) and
// `npm run job:health-check` run: judge every connection over the window, test the idle ones
// live, store a snapshot of each, and tell the workspace's admins when an integration turns
// unhealthy or recovers — once per change. Whether a run alerts is decided by a conditional write
// of the connection's alert state, in the same transaction as the event it raises, so two runs
// at once (or one every 15 minutes) never send the same alert twice.
import { forEachConcurrently } from "@/lib/concurrency";
import { config } from "@/lib/config";
import type { Db } from "@/lib/db/client";
import { utcTimestamp } from "@/lib/db/sql";
import { sendTemplateEmail, type EmailLanguage, type SendEmailResult, type TemplateEmail } from "@/lib/email";
import { emitEvent } from "@/lib/events";
import { computeHealth, type ConnectionHealth } from "@/lib/health/compute";
import { describeProblems, type HealthThresholds } from "@/lib/health/judge";
import { probeConnection, type ConnectionProbe } from "@/lib/health/probe";
import { getProvider } from "@/lib/integrations/registry";
import { logger } from "@/lib/log";
import { pruneRateLimitWindows } from "@/lib/rate-limits";

/** Sends one alert email; sendTemplateEmail in production, a recorder in tests. */
export type AlertNotifier = (workspaceId: string, email: TemplateEmail) => Promise<SendEmailResult>;

export interface HealthCheckOptions {
  now?: () => Date;
  notify?: AlertNotifier;
  probe?: ConnectionProbe;
  thresholds?: HealthThresholds;
  windowMinutes?: number;
}

export type AlertKind = "unhealthy" | "recovered";

export interface HealthAlert {
  workspaceId: string;
  connectionId: string;
  providerId: string;
  kind: AlertKind;
  reasons: string[];
}

export interface HealthCheckReport {
  checkedAt: string;
  windowMinutes: number;
  connections: number;
  healthy: number;
  unhealthy: number;
  noActivity: number;
  /** Idle connections tested live in this run. */
  tested: number;
  alerts: HealthAlert[];
  emails: { sent: number; failed: number };
  pruned: { snapshots: number; rateLimitWindows: number };
  durationMs: number;
}

export const HEALTH_CHECK_ACTOR = "cron:health-check";
const PROBE_CONCURRENCY = 4;
const EMAIL_LANGUAGES: readonly EmailLanguage[] = ["en", "de"];
/** The `status` value of the integration_alert template, in the admin's language. */
const STATUS_WORDS: Record<EmailLanguage, Record<AlertKind, string>> = {
  en: { unhealthy: "unhealthy", recovered: "recovered" },
  de: { unhealthy: "gestört", recovered: "wieder in Ordnung" },
};

export async function runHealthCheck(db: Db, options: HealthCheckOptions = {}): Promise<HealthCheckReport> {
  const started = Date.now();
  const now = options.now ?? (() => new Date());
  const probe = options.probe ?? probeConnection;
  const notify = options.notify ?? ((workspaceId, email) => sendTemplateEmail(workspaceId, email, { actor: HEALTH_CHECK_ACTOR }));
  const query = { windowMinutes: options.windowMinutes, thresholds: options.thresholds };

  // 1. Every connection's health; then a live test of the connected ones without traffic.
  const first = await computeHealth(db, { ...query, now: now(), skipPaused: true });
  const idle = first.connections.filter((c) => c.status === "no_activity" && (c.connectionStatus === "connected" || c.connectionStatus === "error"));
  const tested = new Set<string>();
  await forEachConcurrently(idle, PROBE_CONCURRENCY, async (c) => {
    const result = await probe({ workspaceId: c.workspaceId, connectionId: c.connectionId, providerId: c.providerId }, HEALTH_CHECK_ACTOR);
    if (result.tested) tested.add(c.connectionId);
  });
  let health = first.connections;
  let window = first.window;
  if (tested.size) {
    // Judge the tested ones again, over a window that now includes their test.
    const again = await computeHealth(db, { ...query, now: now(), skipPaused: true, connectionIds: [...tested] });
    const fresh = new Map(again.connections.map((c) => [c.connectionId, c]));
    health = health.map((c) => fresh.get(c.connectionId) ?? c);
    window = again.window;
  }

  // 2. A snapshot of each, in one statement.
  if (health.length) {
    await db.healthSnapshot.createMany({
      data: health.map((c) => ({
        workspaceId: c.workspaceId,
        connectionId: c.connectionId,
        providerId: c.providerId,
        status: c.status,
        reasons: c.reasons,
        windowStart: window.from,
        windowEnd: window.to,
        calls: c.calls,
        failures: c.failures,
        shortCircuits: c.shortCircuits,
        errorRate: c.errorRate,
        avgLatencyMs: c.avgLatencyMs,
        p95LatencyMs: c.p95LatencyMs,
        consecutiveFailures: c.consecutiveFailures,
        circuitState: c.circuitState,
        tested: tested.has(c.connectionId),
        createdAt: window.to,
      })),
    });
  }

  // 3. Alerts on change only.
  const alerts = await decideAlerts(db, health, now());
  const emails = await sendAlerts(db, alerts, health, notify);

  // 4. Housekeeping of the tables this feature owns.
  const pruned = await prune(db, now());

  return {
    checkedAt: window.to.toISOString(),
    windowMinutes: window.minutes,
    connections: health.length,
    healthy: health.filter((c) => c.status === "healthy").length,
    unhealthy: health.filter((c) => c.status === "unhealthy").length,
    noActivity: health.filter((c) => c.status === "no_activity").length,
    tested: tested.size,
    alerts,
    emails,
    pruned,
    durationMs: Date.now() - started,
  };
}

/** The connections whose alerted state changes in this run (each decided in its own transaction). */
async function decideAlerts(db: Db, health: ConnectionHealth[], at: Date): Promise<HealthAlert[]> {
  const states = await db.healthAlertState.findMany({
    where: { connectionId: { in: health.map((c) => c.connectionId) } },
    select: { connectionId: true, alertedStatus: true },
  });
  const alerted = new Map(states.map((s) => [s.connectionId, s.alertedStatus]));
  const alerts: HealthAlert[] = [];
  for (const c of health) {
    const last = alerted.get(c.connectionId);
    // A connection without activity tells nothing new: it neither alerts nor recovers.
    const kind: AlertKind | null = c.status === "unhealthy" && last !== "unhealthy" ? "unhealthy" : c.status === "healthy" && last === "unhealthy" ? "recovered" : null;
    if (kind && (await claimAlert(db, c, kind, at))) {
      alerts.push({ workspaceId: c.workspaceId, connectionId: c.connectionId, providerId: c.providerId, kind, reasons: c.reasons });
    }
  }
  return alerts;
}

/**
 * Moves the connection's alert state to `kind` if no one else has (a conditional write), and
 * raises the event in the same transaction. True when this run owns the alert.
 */
async function claimAlert(db: Db, c: ConnectionHealth, kind: AlertKind, at: Date): Promise<boolean> {
  return db.$transaction(async (tx) => {
    let changed: boolean;
    if (kind === "unhealthy") {
      const rows = await tx.$queryRaw<{ connectionId: string }[]>`
        INSERT INTO "HealthAlertState" ("connectionId", "workspaceId", "alertedStatus", "alertedAt", "updatedAt")
        VALUES (${c.connectionId}, ${c.workspaceId}, 'unhealthy'::"HealthStatus", ${utcTimestamp(at)}, ${utcTimestamp(at)})
        ON CONFLICT ("connectionId") DO UPDATE
          SET "alertedStatus" = 'unhealthy'::"HealthStatus", "alertedAt" = EXCLUDED."alertedAt", "updatedAt" = EXCLUDED."updatedAt"
          WHERE "HealthAlertState"."alertedStatus" <> 'unhealthy'::"HealthStatus"
        RETURNING "connectionId"`;
      changed = rows.length === 1;
    } else {
      const updated = await tx.healthAlertState.updateMany({
        where: { connectionId: c.connectionId, alertedStatus: "unhealthy" },
        data: { alertedStatus: "healthy", alertedAt: at },
      });
      changed = updated.count === 1;
    }
    if (!changed) return false;
    if (kind === "unhealthy") {
      await emitEvent(tx, { workspaceId: c.workspaceId, type: "connection.unhealthy", data: { providerId: c.providerId, connectionId: c.connectionId, reasons: c.reasons } });
    } else {
      await emitEvent(tx, { workspaceId: c.workspaceId, type: "connection.recovered", data: { providerId: c.providerId, connectionId: c.connectionId } });
    }
    return true;
  });
}

/** One email per admin, in the admin's language. A failed send is counted and logged, not retried. */
async function sendAlerts(db: Db, alerts: HealthAlert[], health: ConnectionHealth[], notify: AlertNotifier): Promise<{ sent: number; failed: number }> {
  const result = { sent: 0, failed: 0 };
  if (!alerts.length) return result;
  const workspaceIds = [...new Set(alerts.map((a) => a.workspaceId))];
  const admins = await db.user.findMany({
    where: { workspaceId: { in: workspaceIds }, role: "admin" },
    select: { email: true, name: true, language: true, workspaceId: true },
    orderBy: { email: "asc" },
  });
  const problems = new Map(health.map((c) => [c.connectionId, c.problems]));
  const base = (config().NEXTAUTH_URL ?? `http://localhost:${config().PORT}`).replace(/\/+$/, "");
  for (const alert of alerts) {
    const providerName = getProvider(alert.providerId)?.name ?? alert.providerId;
    for (const admin of admins.filter((a) => a.workspaceId === alert.workspaceId)) {
      const language = (EMAIL_LANGUAGES as readonly string[]).includes(admin.language) ? (admin.language as EmailLanguage) : "en";
      // The values the integration_alert template takes: integration, status [reasons, dashboard_url, name].
      const reasons = alert.kind === "unhealthy" ? describeProblems(problems.get(alert.connectionId) ?? [], language).join("; ") : "";
      const email: TemplateEmail = {
        to: admin.email,
        template: "integration_alert",
        language,
        values: {
          integration: providerName,
          status: STATUS_WORDS[language][alert.kind],
          ...(reasons ? { reasons } : {}),
          dashboard_url: `${base}/health`,
          ...(admin.name ? { name: admin.name } : {}),
        },
      };
      let sent: SendEmailResult;
      try {
        sent = await notify(alert.workspaceId, email);
      } catch (error) {
        sent = { ok: false, category: "permanent", message: (error as Error).message, gracefulFail: true, delivery: "not_sent" };
      }
      if (sent.ok) result.sent += 1;
      else {
        result.failed += 1;
        logger.warn("health alert email not sent", { workspaceId: alert.workspaceId, providerId: alert.providerId, kind: alert.kind, reason: sent.message });
      }
    }
  }
  return result;
}

async function prune(db: Db, at: Date): Promise<{ snapshots: number; rateLimitWindows: number }> {
  const cutoff = new Date(at.getTime() - config().ACTIVITY_RETENTION_DAYS * 86_400_000);
  const snapshots = await db.healthSnapshot.deleteMany({ where: { createdAt: { lt: cutoff } } });
  // A disconnected connection starts afresh when it is connected again (no stale "recovered").
  await db.healthAlertState.deleteMany({ where: { connection: { status: "disconnected" } } });
  return { snapshots: snapshots.count, rateLimitWindows: await pruneRateLimitWindows(db, at) };
}
