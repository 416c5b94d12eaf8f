// Housekeeping shared by `GET /api/cron/prune` and `npm run job:prune`: drops activity rows past
// the retention period, sign-in attempts past the rate-limit window, spent setup tokens, sessions
// that ended or expired, and records of refused inbound webhook deliveries past their retention.
import { config } from "@/lib/config";
import type { Db } from "@/lib/db/client";
import { pruneLoginAttempts } from "@/lib/auth/rate-limit";
import { pruneSessions } from "@/lib/auth/sessions";
import { pruneRefusedDeliveries } from "@/lib/webhooks-in/store";

export interface PruneReport {
  activityDeleted: number;
  loginAttemptsDeleted: number;
  setupTokensDeleted: number;
  sessionsDeleted: number;
  refusedWebhooksDeleted: number;
  retentionDays: number;
  durationMs: number;
}

export async function pruneOldRecords(db: Db, now = new Date()): Promise<PruneReport> {
  const started = Date.now();
  const retentionDays = config().ACTIVITY_RETENTION_DAYS;
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
  const activity = await db.integrationActivity.deleteMany({ where: { createdAt: { lt: cutoff } } });
  const loginAttemptsDeleted = await pruneLoginAttempts(db, now);
  const tokens = await db.setupToken.deleteMany({ where: { OR: [{ expiresAt: { lt: now } }, { usedAt: { not: null } }] } });
  const sessionsDeleted = await pruneSessions(db, now);
  const refusedWebhooksDeleted = await pruneRefusedDeliveries(db, now);
  return {
    activityDeleted: activity.count,
    loginAttemptsDeleted,
    setupTokensDeleted: tokens.count,
    sessionsDeleted,
    refusedWebhooksDeleted,
    retentionDays,
    durationMs: Date.now() - started,
  };
}
