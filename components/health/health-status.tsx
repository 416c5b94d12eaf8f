"use client";

import { CircleAlertIcon, CircleCheckIcon, CircleDashedIcon, GaugeIcon } from "lucide-react";

import { useIntegrationHealth } from "@/components/health/queries";
import type { HealthStatus, IntegrationHealth, RateLimitView } from "@/components/health/types";
import { Badge } from "@/components/ui/badge";
import { cn } from "@/lib/utils";

export const HEALTH_BADGE: Record<HealthStatus, { label: string; variant: "success" | "destructive" | "outline"; icon: typeof CircleCheckIcon }> = {
  healthy: { label: "Healthy", variant: "success", icon: CircleCheckIcon },
  unhealthy: { label: "Unhealthy", variant: "destructive", icon: CircleAlertIcon },
  no_activity: { label: "No activity", variant: "outline", icon: CircleDashedIcon },
};

export function HealthBadge({ status, providerId }: { status: HealthStatus; providerId: string }) {
  const badge = HEALTH_BADGE[status];
  const Icon = badge.icon;
  return (
    <Badge variant={badge.variant} data-testid={`health-status-${providerId}`} data-health={status}>
      <Icon aria-hidden="true" />
      {badge.label}
    </Badge>
  );
}

export function HealthReasons({ health, className }: { health: IntegrationHealth; className?: string }) {
  if (!health.reasons.length) return null;
  return (
    <ul data-testid={`health-reasons-${health.providerId}`} className={cn("grid gap-0.5 text-xs text-destructive", className)}>
      {health.reasons.map((reason) => (
        <li key={reason}>{reason}</li>
      ))}
    </ul>
  );
}

export function formatPercent(rate: number | null): string {
  return rate === null ? "—" : `${(rate * 100).toFixed(1)}%`;
}

export function formatMs(ms: number | null): string {
  return ms === null ? "—" : `${ms.toLocaleString()} ms`;
}

/** The card's health line: status over the window, with the reasons when it is unhealthy. */
export function IntegrationHealthSummary({ providerId }: { providerId: string }) {
  const { data } = useIntegrationHealth();
  const health = data?.integrations[providerId];
  if (!data || !health) return null;
  return (
    <div className="grid gap-1.5 rounded-md border px-3 py-2 text-xs" data-testid={`integration-health-${providerId}`}>
      <div className="flex items-center justify-between gap-2">
        <span className="text-muted-foreground">Health · last {data.window.minutes} min</span>
        <HealthBadge status={health.status} providerId={providerId} />
      </div>
      {health.calls > 0 && (
        <p className="text-muted-foreground tabular-nums">
          {health.calls.toLocaleString()} calls · {formatPercent(health.errorRate)} errors · {formatMs(health.avgLatencyMs)} avg
        </p>
      )}
      <HealthReasons health={health} />
    </div>
  );
}

/** "25 calls per second", "connection.test: 600 calls per minute", or "none documented". */
function limitSummary(view: RateLimitView): string {
  const parts = view.perConnection ? [view.perConnection.text] : [];
  if (view.used && view.perConnection) parts[0] += ` (${view.used.count.toLocaleString()} used now)`;
  for (const o of view.operations) if (o.limit) parts.push(`${o.operation}: ${o.limit.text}`);
  return parts.length ? parts.join("; ") : "none documented";
}

/** The rate limits in force for a provider, with their source on hover. */
export function RateLimitNote({ providerId }: { providerId: string }) {
  const { data } = useIntegrationHealth();
  const view = data?.rateLimits[providerId];
  if (!view) return null;
  const source = `${view.overridden ? "Set by RATE_LIMITS on this deployment. Default: " : ""}${view.source}`;
  return (
    <p className="flex items-start gap-1.5 text-xs text-muted-foreground" data-testid={`rate-limit-${providerId}`} title={source}>
      <GaugeIcon aria-hidden="true" className="mt-px size-3.5 shrink-0" />
      <span>Rate limit: {limitSummary(view)}</span>
    </p>
  );
}
