// Health of connections over a window, read from the activity log the call pipeline writes.
// However many connections and calls there are, it is two queries: the connections, and one
// grouped pass over the window's activity (counts, average, p95, and the failure streak since
// each connection's last success).
import { config } from "@/lib/config";
import type { Db } from "@/lib/db/client";
import { utcTimestamp } from "@/lib/db/sql";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { CircuitState, ConnectionStatus } from "@/lib/generated/prisma/enums";
import { describeProblems, judgeHealth, type HealthProblem, type HealthStatus, type HealthThresholds } from "@/lib/health/judge";

export interface HealthWindow {
  from: Date;
  to: Date;
  minutes: number;
}

export interface ConnectionHealth {
  connectionId: string;
  workspaceId: string;
  providerId: string;
  connectionStatus: ConnectionStatus;
  status: HealthStatus;
  /** The problems in words (English), e.g. `High error rate: 23.0%`. */
  reasons: string[];
  problems: HealthProblem[];
  /** Calls that reached the provider; short-circuited ones (open circuit, rate limit) are counted apart. */
  calls: number;
  failures: number;
  shortCircuits: number;
  rateLimited: number;
  /** failures / calls (0…1), null without calls. */
  errorRate: number | null;
  avgLatencyMs: number | null;
  p95LatencyMs: number | null;
  consecutiveFailures: number;
  circuitState: CircuitState;
}

export function healthThresholds(): HealthThresholds {
  const cfg = config();
  return {
    maxErrorRatePercent: cfg.HEALTH_MAX_ERROR_RATE_PERCENT,
    maxAvgLatencyMs: cfg.HEALTH_MAX_AVG_LATENCY_MS,
    maxConsecutiveFailures: cfg.HEALTH_MAX_CONSECUTIVE_FAILURES,
  };
}

export function healthWindow(now: Date, minutes = config().HEALTH_WINDOW_MINUTES): HealthWindow {
  return { from: new Date(now.getTime() - minutes * 60_000), to: now, minutes };
}

export interface HealthQuery {
  /** One workspace (the dashboard), or every workspace (the health-check job). */
  workspaceId?: string;
  /** Only these connections (the job re-reads the ones it just tested). */
  connectionIds?: string[];
  /** Leave paused connections out (the job: a paused connection is neither tested nor alerted on). */
  skipPaused?: boolean;
  now?: Date;
  windowMinutes?: number;
  thresholds?: HealthThresholds;
}

interface ActivityAggregate {
  connectionId: string;
  calls: number;
  failures: number;
  short_circuits: number;
  rate_limited: number;
  avg_ms: number | null;
  p95_ms: number | null;
  streak: number;
}

/** Health of every connection that is not disconnected, for one workspace or all of them. */
export async function computeHealth(db: Db, query: HealthQuery = {}): Promise<{ window: HealthWindow; connections: ConnectionHealth[] }> {
  const window = healthWindow(query.now ?? new Date(), query.windowMinutes);
  const thresholds = query.thresholds ?? healthThresholds();
  const where: Prisma.ConnectionWhereInput = {
    status: { not: "disconnected" },
    ...(query.workspaceId ? { workspaceId: query.workspaceId } : {}),
    ...(query.connectionIds ? { id: { in: query.connectionIds } } : {}),
    ...(query.skipPaused ? { pausedAt: null } : {}),
  };
  const connections = await db.connection.findMany({
    where,
    select: { id: true, workspaceId: true, providerId: true, status: true, circuitState: true },
    orderBy: [{ workspaceId: "asc" }, { providerId: "asc" }],
  });
  if (connections.length === 0) return { window, connections: [] };

  const ids = connections.map((c) => c.id);
  // Percentiles by nearest rank (percentile_disc): a latency that was really observed.
  const rows = await db.$queryRaw<ActivityAggregate[]>`
    WITH w AS (
      SELECT "connectionId", "outcome", "errorCategory", "durationMs", "createdAt"
      FROM "IntegrationActivity"
      WHERE "connectionId" = ANY(${ids}::text[])
        AND "createdAt" >= ${utcTimestamp(window.from)} AND "createdAt" < ${utcTimestamp(window.to)}
    ), last_success AS (
      SELECT "connectionId", max("createdAt") AS at FROM w WHERE "outcome" = 'success' GROUP BY "connectionId"
    )
    SELECT w."connectionId",
      count(*) FILTER (WHERE w."outcome" <> 'short_circuit')::int AS calls,
      count(*) FILTER (WHERE w."outcome" = 'failure')::int AS failures,
      count(*) FILTER (WHERE w."outcome" = 'short_circuit')::int AS short_circuits,
      count(*) FILTER (WHERE w."outcome" = 'short_circuit' AND w."errorCategory" = 'rate_limit')::int AS rate_limited,
      (avg(w."durationMs") FILTER (WHERE w."outcome" <> 'short_circuit'))::float8 AS avg_ms,
      percentile_disc(0.95) WITHIN GROUP (ORDER BY w."durationMs") FILTER (WHERE w."outcome" <> 'short_circuit') AS p95_ms,
      count(*) FILTER (WHERE w."outcome" = 'failure' AND (s.at IS NULL OR w."createdAt" > s.at))::int AS streak
    FROM w LEFT JOIN last_success s ON s."connectionId" = w."connectionId"
    GROUP BY w."connectionId"`;
  const byConnection = new Map(rows.map((r) => [r.connectionId, r]));

  return {
    window,
    connections: connections.map((c) => {
      const a = byConnection.get(c.id);
      const calls = a?.calls ?? 0;
      const failures = a?.failures ?? 0;
      // Judged as shown: in whole milliseconds.
      const avg = a?.avg_ms == null ? null : Math.round(a.avg_ms);
      const metrics = { calls, failures, avgLatencyMs: avg, consecutiveFailures: a?.streak ?? 0, circuitState: c.circuitState };
      const verdict = judgeHealth(metrics, thresholds);
      return {
        connectionId: c.id,
        workspaceId: c.workspaceId,
        providerId: c.providerId,
        connectionStatus: c.status,
        status: verdict.status,
        reasons: describeProblems(verdict.problems),
        problems: verdict.problems,
        calls,
        failures,
        shortCircuits: a?.short_circuits ?? 0,
        rateLimited: a?.rate_limited ?? 0,
        errorRate: calls ? failures / calls : null,
        avgLatencyMs: avg,
        p95LatencyMs: a?.p95_ms ?? null,
        consecutiveFailures: metrics.consecutiveFailures,
        circuitState: c.circuitState,
      };
    }),
  };
}
