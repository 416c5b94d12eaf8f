// What the dashboard shows about health: each connected integration's verdict over the window
// (with the numbers behind it and when the health check last looked), and the rate limits in
// force for every provider with how much of the current window is used. A fixed number of
// queries, whatever the number of integrations or calls.
import { z } from "zod";
import { getDb, type Db } from "@/lib/db/client";
import type { HealthStatus } from "@/lib/generated/prisma/enums";
import { computeHealth, healthThresholds, type ConnectionHealth } from "@/lib/health/compute";
import type { HealthThresholds } from "@/lib/health/judge";
import { providers } from "@/lib/integrations/registry";
import type { RateLimit } from "@/lib/integrations/kit/manifest";
import { CONNECTION_SCOPE, currentRateUsage, describeRateLimit, rateLimitsInForce } from "@/lib/rate-limits";

const blank = (v: unknown) => (v === "" ? undefined : v);

export const healthQuerySchema = z.object({
  windowMinutes: z.preprocess(
    blank,
    z.coerce.number().int("windowMinutes must be a whole number").min(5, "windowMinutes is at least 5").max(1440, "windowMinutes is at most 1440 (a day)").optional(),
  ),
});

export type HealthQueryParams = z.infer<typeof healthQuerySchema>;

export interface IntegrationHealth extends Omit<ConnectionHealth, "workspaceId"> {
  /** The health check's last snapshot of this connection. */
  lastCheck: { at: string; status: HealthStatus } | null;
}

export interface LimitView extends RateLimit {
  /** "25 calls per second" */
  text: string;
}

export interface RateLimitView {
  providerId: string;
  /** null: no limit on every call (switched off). */
  perConnection: LimitView | null;
  operations: { operation: string; limit: LimitView | null }[];
  source: string;
  overridden: boolean;
  /** Calls counted in the current per-connection window, when one is open. */
  used: { count: number; windowEnd: string } | null;
}

export interface HealthOverview {
  generatedAt: string;
  window: { from: string; to: string; minutes: number };
  thresholds: HealthThresholds;
  /** By provider id; connected integrations only. */
  integrations: Record<string, IntegrationHealth>;
  /** By provider id; every provider. */
  rateLimits: Record<string, RateLimitView>;
}

const view = (limit: RateLimit | null): LimitView | null => (limit ? { ...limit, text: describeRateLimit(limit) } : null);

export async function healthOverview(workspaceId: string, params: HealthQueryParams = {}, db?: Db): Promise<HealthOverview> {
  const client = db ?? (await getDb());
  const now = new Date();
  const [{ window, connections }, lastChecks, usage] = await Promise.all([
    computeHealth(client, { workspaceId, now, windowMinutes: params.windowMinutes }),
    client.$queryRaw<{ connectionId: string; status: HealthStatus; createdAt: Date }[]>`
      SELECT c."id" AS "connectionId", s."status", s."createdAt"
      FROM "Connection" c
      CROSS JOIN LATERAL (
        SELECT "status", "createdAt" FROM "HealthSnapshot" h WHERE h."connectionId" = c."id" ORDER BY h."createdAt" DESC LIMIT 1
      ) s
      WHERE c."workspaceId" = ${workspaceId} AND c."status" <> 'disconnected'`,
    currentRateUsage(client, workspaceId, now),
  ]);
  const lastCheck = new Map(lastChecks.map((r) => [r.connectionId, { at: r.createdAt.toISOString(), status: r.status }]));

  const integrations: Record<string, IntegrationHealth> = {};
  for (const c of connections) {
    const { workspaceId: _workspace, ...rest } = c;
    void _workspace;
    integrations[c.providerId] = { ...rest, lastCheck: lastCheck.get(c.connectionId) ?? null };
  }

  const rateLimits: Record<string, RateLimitView> = {};
  for (const p of providers) {
    const limits = rateLimitsInForce(p.id);
    const used = usage.find((u) => u.providerId === p.id && u.scope === CONNECTION_SCOPE);
    rateLimits[p.id] = {
      providerId: p.id,
      perConnection: view(limits.perConnection),
      operations: Object.entries(limits.operations).map(([operation, limit]) => ({ operation, limit: view(limit) })),
      source: limits.source,
      overridden: limits.overridden,
      used: used ? { count: used.count, windowEnd: used.windowEnd } : null,
    };
  }

  return {
    generatedAt: now.toISOString(),
    window: { from: window.from.toISOString(), to: window.to.toISOString(), minutes: window.minutes },
    thresholds: healthThresholds(),
    integrations,
    rateLimits,
  };
}
