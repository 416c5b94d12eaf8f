"use client";

import * as React from "react";
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

import type { HealthHistory } from "@/components/health/types";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";

// Distinguishable on white, in the order integrations appear.
const PALETTE = ["#2563eb", "#db2777", "#16a34a", "#ea580c", "#7c3aed", "#0891b2", "#ca8a04", "#dc2626", "#4b5563", "#059669", "#9333ea"];
const OUTCOME_COLORS = { success: "#16a34a", failure: "#dc2626", shortCircuit: "#f59e0b" };

const hourLabel = (iso: string) => new Date(iso).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
const axisTick = { fontSize: 11, fill: "var(--muted-foreground)" };

interface ChartsProps {
  history: HealthHistory;
  /** Provider ids to draw (the page's filter); names for the legend. */
  providerIds: string[];
  names: Map<string, string>;
}

/** One row per hour with a column per integration, the shape recharts draws lines from. */
function byHour(history: HealthHistory, providerIds: string[], value: (p: HealthHistory["series"][number]["points"][number]) => number | null) {
  const series = history.series.filter((s) => providerIds.includes(s.providerId));
  return history.hours.map((hour, i) => {
    const row: Record<string, string | number | null> = { hour, label: hourLabel(hour) };
    for (const s of series) row[s.providerId] = value(s.points[i]!);
    return row;
  });
}

function ChartCard({ id, title, description, children }: { id: string; title: string; description: string; children: React.ReactNode }) {
  return (
    <Card className="gap-3 py-4" data-testid={`chart-${id}`} role="figure" aria-label={title}>
      <CardHeader className="px-4">
        <CardTitle className="text-sm">{title}</CardTitle>
        <CardDescription className="text-xs">{description}</CardDescription>
      </CardHeader>
      <CardContent className="h-64 px-2">{children}</CardContent>
    </Card>
  );
}

export function HealthCharts({ history, providerIds, names }: ChartsProps) {
  const drawn = history.series.filter((s) => providerIds.includes(s.providerId)).map((s) => s.providerId);
  const color = (id: string) => PALETTE[Math.max(0, drawn.indexOf(id)) % PALETTE.length]!;
  const errorRates = byHour(history, drawn, (p) => (p.errorRate === null ? null : Math.round(p.errorRate * 1000) / 10));
  const latency = byHour(history, drawn, (p) => p.avgLatencyMs);
  const p95 = byHour(history, drawn, (p) => p.p95LatencyMs);
  const latencyRows = latency.map((row, i) => {
    const merged: Record<string, string | number | null> = { ...row };
    for (const id of drawn) merged[`${id}:p95`] = p95[i]![id] ?? null;
    return merged;
  });
  const outcomes = history.hours.map((hour, i) => {
    const row = { hour, label: hourLabel(hour), success: 0, failure: 0, shortCircuit: 0 };
    for (const s of history.series) {
      if (!drawn.includes(s.providerId)) continue;
      row.success += s.points[i]!.success;
      row.failure += s.points[i]!.failure;
      row.shortCircuit += s.points[i]!.shortCircuit;
    }
    return row;
  });
  const span = `Last ${history.hours.length} hours, per hour`;

  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <ChartCard id="error-rate" title="Error rate" description={`${span}: failed calls of those that reached the provider`}>
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={errorRates} margin={{ top: 8, right: 12, bottom: 0, left: -8 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="label" tick={axisTick} interval="preserveStartEnd" minTickGap={24} />
            <YAxis tick={axisTick} unit="%" domain={[0, 100]} width={48} />
            <Tooltip formatter={(v) => (v === null || v === undefined ? "—" : `${v}%`)} />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            {drawn.map((id) => (
              <Line key={id} type="monotone" dataKey={id} name={names.get(id) ?? id} stroke={color(id)} strokeWidth={2} dot={{ r: 2 }} connectNulls isAnimationActive={false} />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </ChartCard>

      <ChartCard id="latency" title="Latency" description={`${span}: average (solid) and p95 (dashed)`}>
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={latencyRows} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="label" tick={axisTick} interval="preserveStartEnd" minTickGap={24} />
            <YAxis tick={axisTick} unit=" ms" width={64} />
            <Tooltip formatter={(v) => (v === null || v === undefined ? "—" : `${Number(v).toLocaleString()} ms`)} />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            {drawn.flatMap((id) => [
              <Line
                key={id}
                type="monotone"
                dataKey={id}
                name={`${names.get(id) ?? id} avg`}
                stroke={color(id)}
                strokeWidth={2}
                dot={{ r: 2 }}
                connectNulls
                isAnimationActive={false}
              />,
              <Line
                key={`${id}:p95`}
                type="monotone"
                dataKey={`${id}:p95`}
                name={`${names.get(id) ?? id} p95`}
                stroke={color(id)}
                strokeDasharray="4 3"
                dot={false}
                connectNulls
                isAnimationActive={false}
              />,
            ])}
          </LineChart>
        </ResponsiveContainer>
      </ChartCard>

      <ChartCard id="calls" title="Calls per hour by outcome" description={`${span}: succeeded, failed, and refused before reaching the provider`}>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={outcomes} margin={{ top: 8, right: 12, bottom: 0, left: -8 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="label" tick={axisTick} interval="preserveStartEnd" minTickGap={24} />
            <YAxis tick={axisTick} allowDecimals={false} width={48} />
            <Tooltip />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            <Bar dataKey="success" name="Succeeded" stackId="calls" fill={OUTCOME_COLORS.success} isAnimationActive={false} />
            <Bar dataKey="failure" name="Failed" stackId="calls" fill={OUTCOME_COLORS.failure} isAnimationActive={false} />
            <Bar dataKey="shortCircuit" name="Refused (circuit open or rate limit)" stackId="calls" fill={OUTCOME_COLORS.shortCircuit} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </ChartCard>
    </div>
  );
}
