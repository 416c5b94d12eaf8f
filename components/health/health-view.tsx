"use client";

import * as React from "react";
import Link from "next/link";
import { ActivityIcon, CircleAlertIcon, InboxIcon } from "lucide-react";

import { errorMessage } from "@/components/api/client";
import { useCatalog } from "@/components/api/queries";
import { RelativeTime } from "@/components/format";
import { HealthCharts } from "@/components/health/health-charts";
import { HEALTH_BADGE, HealthBadge, HealthReasons, RateLimitNote, formatMs, formatPercent } from "@/components/health/health-status";
import { useHealthHistory, useIntegrationHealth } from "@/components/health/queries";
import type { HealthStatus, IntegrationHealth } from "@/components/health/types";
import { ProviderIcon } from "@/components/integrations/provider-icon";
import { PageHeader, RefreshControl } from "@/components/shell/page-header";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Label } from "@/components/ui/label";
import { NativeSelect, NativeSelectOption } from "@/components/ui/select";
import { Skeleton } from "@/components/ui/skeleton";

const ORDER: HealthStatus[] = ["unhealthy", "healthy", "no_activity"];
const CIRCUIT_LABEL = { closed: "Closed", open: "Open", half_open: "Half-open" } as const;

export function HealthView() {
  const overview = useIntegrationHealth();
  const history = useHealthHistory(24);
  const catalog = useCatalog();
  const [filter, setFilter] = React.useState("");

  const names = React.useMemo(() => new Map((catalog.data?.providers ?? []).map((p) => [p.id, p.name])), [catalog.data]);
  const icons = React.useMemo(() => new Map((catalog.data?.providers ?? []).map((p) => [p.id, p.icon])), [catalog.data]);
  const integrations = React.useMemo(
    () =>
      Object.values(overview.data?.integrations ?? {}).sort(
        (a, b) => ORDER.indexOf(a.status) - ORDER.indexOf(b.status) || (names.get(a.providerId) ?? a.providerId).localeCompare(names.get(b.providerId) ?? b.providerId),
      ),
    [overview.data, names],
  );
  const charted = React.useMemo(() => (history.data?.series ?? []).map((s) => s.providerId), [history.data]);
  const shown = filter ? charted.filter((id) => id === filter) : charted;
  const counts = ORDER.map((status) => ({ status, count: integrations.filter((i) => i.status === status).length }));

  return (
    <div className="grid gap-6">
      <PageHeader
        title="Health"
        description={
          overview.data
            ? `Judged over the last ${overview.data.window.minutes} minutes: unhealthy above ${overview.data.thresholds.maxErrorRatePercent}% errors, ${overview.data.thresholds.maxAvgLatencyMs.toLocaleString()} ms average latency or ${overview.data.thresholds.maxConsecutiveFailures} failures in a row, or with the circuit breaker open.`
            : "How each connected integration is doing, and why."
        }
      >
        <RefreshControl
          updatedAt={overview.data?.generatedAt}
          fetching={overview.isFetching || history.isFetching}
          onRefresh={() => {
            void overview.refetch();
            void history.refetch();
          }}
        />
      </PageHeader>

      {overview.isError && (
        <Alert variant="destructive" data-testid="health-error">
          <CircleAlertIcon aria-hidden="true" />
          <AlertTitle>Could not load integration health</AlertTitle>
          <AlertDescription>
            <p>{errorMessage(overview.error)}</p>
            <Button variant="outline" size="sm" className="mt-2" onClick={() => void overview.refetch()}>
              Try again
            </Button>
          </AlertDescription>
        </Alert>
      )}

      {overview.isPending ? (
        <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3" aria-busy="true" aria-label="Loading health">
          {Array.from({ length: 3 }, (_, i) => (
            <Skeleton key={i} className="h-48 rounded-xl" />
          ))}
        </div>
      ) : overview.data && integrations.length === 0 ? (
        <div className="flex flex-col items-center justify-center gap-2 rounded-xl border border-dashed px-6 py-16 text-center" data-testid="health-empty">
          <InboxIcon aria-hidden="true" className="size-8 text-muted-foreground" />
          <p className="font-medium">No integrations connected</p>
          <p className="text-sm text-muted-foreground">
            Connect one on the{" "}
            <Link href="/integrations" className="underline">
              Integrations
            </Link>{" "}
            page to see its health here.
          </p>
        </div>
      ) : (
        overview.data && (
          <>
            <section aria-label="Summary" className="flex flex-wrap gap-2" data-testid="health-summary">
              {counts.map(({ status, count }) => (
                <span key={status} className="rounded-md border bg-card px-3 py-1.5 text-sm" data-testid={`health-count-${status}`}>
                  <span className="font-semibold tabular-nums">{count}</span> {HEALTH_BADGE[status].label.toLowerCase()}
                </span>
              ))}
            </section>
            <section aria-label="Integrations" className="grid items-start gap-4 sm:grid-cols-2 xl:grid-cols-3">
              {integrations.map((health) => (
                <HealthCard key={health.connectionId} health={health} name={names.get(health.providerId) ?? health.providerId} icon={icons.get(health.providerId)} />
              ))}
            </section>
          </>
        )
      )}

      <section aria-labelledby="health-trends" className="grid gap-3">
        <div className="flex flex-wrap items-end justify-between gap-3">
          <h2 id="health-trends" className="text-sm font-medium tracking-wide text-muted-foreground uppercase">
            Last 24 hours
          </h2>
          {charted.length > 1 && (
            <div className="flex items-center gap-2">
              <Label htmlFor="health-filter" className="text-xs text-muted-foreground">
                Integration
              </Label>
              <NativeSelect id="health-filter" size="sm" value={filter} onChange={(e) => setFilter(e.target.value)}>
                <NativeSelectOption value="">All integrations</NativeSelectOption>
                {charted.map((id) => (
                  <NativeSelectOption key={id} value={id}>
                    {names.get(id) ?? id}
                  </NativeSelectOption>
                ))}
              </NativeSelect>
            </div>
          )}
        </div>
        {history.isError ? (
          <Alert variant="destructive">
            <CircleAlertIcon aria-hidden="true" />
            <AlertTitle>Could not load the charts</AlertTitle>
            <AlertDescription>{errorMessage(history.error)}</AlertDescription>
          </Alert>
        ) : !history.data ? (
          <div className="grid gap-4 lg:grid-cols-2">
            <Skeleton className="h-80 rounded-xl" />
            <Skeleton className="h-80 rounded-xl" />
          </div>
        ) : history.data.series.length === 0 ? (
          <p className="rounded-xl border border-dashed px-6 py-10 text-center text-sm text-muted-foreground" data-testid="health-no-history">
            No provider calls in the last 24 hours.
          </p>
        ) : (
          <HealthCharts history={history.data} providerIds={shown} names={names} />
        )}
      </section>
    </div>
  );
}

function HealthCard({ health, name, icon }: { health: IntegrationHealth; name: string; icon: string | undefined }) {
  const metrics: [string, React.ReactNode][] = [
    ["Calls", health.calls.toLocaleString()],
    ["Error rate", formatPercent(health.errorRate)],
    ["Avg latency", formatMs(health.avgLatencyMs)],
    ["p95 latency", formatMs(health.p95LatencyMs)],
    ["Failures in a row", health.consecutiveFailures.toLocaleString()],
    ["Circuit", CIRCUIT_LABEL[health.circuitState]],
  ];
  if (health.shortCircuits > 0)
    metrics.push(["Refused", `${health.shortCircuits.toLocaleString()}${health.rateLimited ? ` (${health.rateLimited.toLocaleString()} rate limit)` : ""}`]);
  return (
    <Card className="gap-3 py-4" data-testid={`health-card-${health.providerId}`} role="article" aria-label={`${name} health`}>
      <CardHeader className="flex items-center justify-between gap-2 px-4">
        <div className="flex min-w-0 items-center gap-2">
          <ProviderIcon src={icon} name={name} className="size-8" />
          <CardTitle className="truncate text-base">{name}</CardTitle>
        </div>
        <HealthBadge status={health.status} providerId={health.providerId} />
      </CardHeader>
      <CardContent className="grid gap-3 px-4">
        <HealthReasons health={health} />
        <dl className="grid grid-cols-2 gap-x-4 gap-y-1 text-xs">
          {metrics.map(([label, value]) => (
            <React.Fragment key={label}>
              <dt className="text-muted-foreground">{label}</dt>
              <dd className="text-right tabular-nums">{value}</dd>
            </React.Fragment>
          ))}
        </dl>
        <RateLimitNote providerId={health.providerId} />
        <div className="flex items-center justify-between gap-2 border-t pt-3 text-xs text-muted-foreground">
          <span>
            Last check: <RelativeTime value={health.lastCheck?.at ?? null} fallback="not yet" />
          </span>
          <Button asChild variant="ghost" size="sm" className="h-7 px-2">
            <Link href={`/activity?providerId=${encodeURIComponent(health.providerId)}`} data-testid={`health-activity-${health.providerId}`}>
              <ActivityIcon aria-hidden="true" />
              View activity
            </Link>
          </Button>
        </div>
      </CardContent>
    </Card>
  );
}
