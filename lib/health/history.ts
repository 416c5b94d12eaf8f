// Hourly health of each integration for the dashboard's charts: calls by outcome, error rate and
// latency, from the activity log in one grouped query. Every hour of the range is present (zeros
// where nothing happened), so a chart's time axis has no holes.
import { z } from "zod";
import { getDb, type Db } from "@/lib/db/client";
import { utcTimestamp } from "@/lib/db/sql";

const HOUR = 3_600_000;
const blank = (v: unknown) => (v === "" ? undefined : v);

export const historyQuerySchema = z.object({
  hours: z.preprocess(blank, z.coerce.number().int("hours must be a whole number").min(1, "hours is at least 1").max(168, "hours is at most 168 (a week)").default(24)),
});

export type HistoryQuery = z.infer<typeof historyQuerySchema>;

export interface HourPoint {
  /** Start of the hour (UTC, ISO). */
  hour: string;
  success: number;
  failure: number;
  shortCircuit: number;
  /** failure / (success + failure), 0…1; null in an hour without provider calls. */
  errorRate: number | null;
  avgLatencyMs: number | null;
  p95LatencyMs: number | null;
}

export interface ProviderSeries {
  providerId: string;
  points: HourPoint[];
}

export interface HealthHistory {
  from: string;
  to: string;
  /** Hour starts, oldest first; every series has one point per hour. */
  hours: string[];
  /** Integrations with any activity in the range. */
  series: ProviderSeries[];
}

interface HourRow {
  hour: Date;
  providerId: string;
  success: number;
  failure: number;
  short_circuit: number;
  avg_ms: number | null;
  p95_ms: number | null;
}

export async function healthHistory(workspaceId: string, query: HistoryQuery, db?: Db, now: Date = new Date()): Promise<HealthHistory> {
  const client = db ?? (await getDb());
  // The current hour counts as the last one; the range starts at the top of an hour.
  const from = Math.floor(now.getTime() / HOUR) * HOUR - (query.hours - 1) * HOUR;
  const rows = await client.$queryRaw<HourRow[]>`
    SELECT date_trunc('hour', "createdAt") AS hour, "providerId",
      count(*) FILTER (WHERE "outcome" = 'success')::int AS success,
      count(*) FILTER (WHERE "outcome" = 'failure')::int AS failure,
      count(*) FILTER (WHERE "outcome" = 'short_circuit')::int AS short_circuit,
      (avg("durationMs") FILTER (WHERE "outcome" <> 'short_circuit'))::float8 AS avg_ms,
      percentile_disc(0.95) WITHIN GROUP (ORDER BY "durationMs") FILTER (WHERE "outcome" <> 'short_circuit') AS p95_ms
    FROM "IntegrationActivity"
    WHERE "workspaceId" = ${workspaceId} AND "createdAt" >= ${utcTimestamp(from)} AND "createdAt" <= ${utcTimestamp(now)}
    GROUP BY 1, 2
    ORDER BY 2, 1`;

  const hours = Array.from({ length: query.hours }, (_, i) => new Date(from + i * HOUR).toISOString());
  const byProvider = new Map<string, Map<string, HourRow>>();
  for (const row of rows) {
    const perHour = byProvider.get(row.providerId) ?? new Map<string, HourRow>();
    perHour.set(row.hour.toISOString(), row);
    byProvider.set(row.providerId, perHour);
  }
  const series = [...byProvider.entries()].map(([providerId, perHour]) => ({
    providerId,
    points: hours.map((hour) => {
      const r = perHour.get(hour);
      const calls = (r?.success ?? 0) + (r?.failure ?? 0);
      return {
        hour,
        success: r?.success ?? 0,
        failure: r?.failure ?? 0,
        shortCircuit: r?.short_circuit ?? 0,
        errorRate: calls ? r!.failure / calls : null,
        avgLatencyMs: r?.avg_ms == null ? null : Math.round(r.avg_ms),
        p95LatencyMs: r?.p95_ms ?? null,
      };
    }),
  }));
  return { from: new Date(from).toISOString(), to: now.toISOString(), hours, series };
}
