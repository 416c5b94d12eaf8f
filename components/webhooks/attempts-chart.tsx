"use client";

import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

import type { EndpointDetail } from "@/components/webhooks/api";

/** Attempts per day, delivered and failed stacked: health at a glance. */
export function AttemptsChart({ daily }: { daily: EndpointDetail["daily"] }) {
  const data = daily.map((d) => ({ ...d, label: new Date(`${d.day}T00:00:00Z`).toLocaleDateString(undefined, { month: "short", day: "numeric", timeZone: "UTC" }) }));
  const empty = daily.every((d) => d.succeeded + d.failed === 0);
  return (
    <figure className="grid gap-2" data-testid="webhook-attempts-chart">
      <figcaption className="text-sm font-medium">Attempts per day (last {daily.length} days)</figcaption>
      {empty ? (
        <p className="py-8 text-center text-sm text-muted-foreground">No attempts in this period.</p>
      ) : (
        <div className="h-48 w-full">
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: -16 }}>
              <CartesianGrid vertical={false} strokeDasharray="3 3" className="stroke-border" />
              <XAxis dataKey="label" tickLine={false} axisLine={false} fontSize={11} interval="preserveStartEnd" />
              <YAxis allowDecimals={false} tickLine={false} axisLine={false} fontSize={11} />
              <Tooltip cursor={{ fillOpacity: 0.1 }} />
              <Bar dataKey="succeeded" name="Delivered" stackId="a" fill="var(--success)" isAnimationActive={false} />
              <Bar dataKey="failed" name="Failed" stackId="a" fill="var(--destructive)" radius={[3, 3, 0, 0]} isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </div>
      )}
    </figure>
  );
}
