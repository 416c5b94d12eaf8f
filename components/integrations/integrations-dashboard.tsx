"use client";

import * as React from "react";
import { CircleAlertIcon, EyeIcon, InboxIcon, SearchIcon } from "lucide-react";

import { errorMessage } from "@/components/api/client";
import { useCatalog, useIntegrationStatus } from "@/components/api/queries";
import { CATEGORY_LABELS, CATEGORY_ORDER, type IntegrationStatus, type Provider, type ProviderCategory } from "@/components/api/types";
import { IntegrationCard } from "@/components/integrations/integration-card";
import { OAuthFlash } from "@/components/integrations/oauth-flash";
import { cardState } from "@/components/integrations/state";
import { SummaryStrip, type SummaryCounts } from "@/components/integrations/summary-strip";
import { PageHeader, RefreshControl } from "@/components/shell/page-header";
import { useCurrentUser } from "@/components/shell/use-current-user";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";

function groupByCategory(providers: Provider[]) {
  const groups = new Map<string, Provider[]>();
  for (const provider of providers) {
    const list = groups.get(provider.category) ?? [];
    list.push(provider);
    groups.set(provider.category, list);
  }
  const known = CATEGORY_ORDER.filter((c) => groups.has(c));
  const unknown = [...groups.keys()].filter((c) => !CATEGORY_ORDER.includes(c as ProviderCategory)).sort();
  // Categories with something to connect come first; all-"coming soon" ones after them.
  const allComingSoon = (c: string) => groups.get(c)!.every((p) => p.comingSoon);
  const ordered = [...known, ...unknown].sort((a, b) => Number(allComingSoon(a)) - Number(allComingSoon(b)));
  return ordered.map((category) => ({
    category,
    label: CATEGORY_LABELS[category as ProviderCategory] ?? category,
    // Available first, coming soon last; alphabetical within each.
    providers: groups
      .get(category)!
      .slice()
      .sort((a, b) => Number(a.comingSoon) - Number(b.comingSoon) || a.name.localeCompare(b.name)),
  }));
}

function countStates(providers: Provider[], statuses: Record<string, IntegrationStatus>): SummaryCounts {
  const counts: SummaryCounts = { active: 0, error: 0, notConnected: 0 };
  for (const provider of providers) {
    const state = cardState(provider, statuses[provider.id]);
    if (state === "active" || state === "connecting") counts.active++;
    else if (state === "error" || state === "needs_reauth") counts.error++;
    else if (state === "not_connected" || state === "not_configured") counts.notConnected++;
  }
  return counts;
}

export function IntegrationsDashboard() {
  const { canEdit, user } = useCurrentUser();
  const catalog = useCatalog();
  const status = useIntegrationStatus();
  const [search, setSearch] = React.useState("");

  const providers = React.useMemo(() => catalog.data?.providers ?? [], [catalog.data]);
  const statuses = React.useMemo(() => status.data?.integrations ?? {}, [status.data]);
  const counts = React.useMemo(() => countStates(providers, statuses), [providers, statuses]);

  const filtered = React.useMemo(() => {
    const q = search.trim().toLowerCase();
    if (!q) return providers;
    return providers.filter((p) => [p.name, p.description, p.category, ...p.capabilities].some((t) => t.toLowerCase().includes(q)));
  }, [providers, search]);
  const groups = React.useMemo(() => groupByCategory(filtered), [filtered]);

  const loading = catalog.isPending || (status.isPending && !status.isError);

  return (
    <div className="grid gap-6">
      <PageHeader title="Integrations" description="Connect the tools your business runs on and keep an eye on their health.">
        {user && !canEdit && (
          <Badge variant="outline" data-testid="read-only-badge" title="Ask an admin to connect or change integrations">
            <EyeIcon aria-hidden="true" />
            Read-only
          </Badge>
        )}
        <RefreshControl
          updatedAt={status.data?.generatedAt}
          fetching={status.isFetching}
          onRefresh={() => {
            void status.refetch();
            void catalog.refetch();
          }}
        />
      </PageHeader>

      {user && !canEdit && (
        <Alert>
          <EyeIcon aria-hidden="true" />
          <AlertTitle>You have read-only access</AlertTitle>
          <AlertDescription>You can see every integration&apos;s health and activity. Ask an admin of this workspace to connect, test or disconnect integrations.</AlertDescription>
        </Alert>
      )}

      <OAuthFlash />

      <SummaryStrip counts={counts} loading={loading || !status.data} />

      {status.isError && !catalog.isError && (
        <Alert variant="destructive" data-testid="status-error">
          <CircleAlertIcon aria-hidden="true" />
          <AlertTitle>Could not load connection status</AlertTitle>
          <AlertDescription>
            <p>
              {errorMessage(status.error)}
              {status.data ? " Showing the last known status." : ""}
            </p>
            <Button variant="outline" size="sm" className="mt-2" onClick={() => void status.refetch()}>
              Try again
            </Button>
          </AlertDescription>
        </Alert>
      )}

      {catalog.isError ? (
        <Alert variant="destructive" data-testid="catalog-error">
          <CircleAlertIcon aria-hidden="true" />
          <AlertTitle>Could not load the integrations</AlertTitle>
          <AlertDescription>
            <p>{errorMessage(catalog.error)}</p>
            <Button variant="outline" size="sm" className="mt-2" onClick={() => void catalog.refetch()}>
              Try again
            </Button>
          </AlertDescription>
        </Alert>
      ) : loading ? (
        <DashboardSkeleton />
      ) : providers.length === 0 ? (
        <EmptyState title="No integrations in the catalog" body="This deployment has no providers configured yet." />
      ) : (
        <>
          <div className="relative max-w-sm">
            <SearchIcon aria-hidden="true" className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-muted-foreground" />
            <Input type="search" aria-label="Search integrations" placeholder="Search integrations" value={search} onChange={(e) => setSearch(e.target.value)} className="pl-9" />
          </div>
          {groups.length === 0 ? (
            <EmptyState title="No integrations match your search" body={`Nothing matches “${search.trim()}”.`} />
          ) : (
            groups.map((group) => (
              <section key={group.category} aria-labelledby={`category-${group.category}`} data-testid={`category-${group.category}`} className="grid gap-3">
                <h2 id={`category-${group.category}`} className="text-sm font-medium tracking-wide text-muted-foreground uppercase">
                  {group.label}
                </h2>
                <div className="grid items-start gap-4 sm:grid-cols-2 xl:grid-cols-3">
                  {group.providers.map((provider) => (
                    <IntegrationCard key={provider.id} provider={provider} status={statuses[provider.id]} canEdit={canEdit} statusUnknown={!status.data} />
                  ))}
                </div>
              </section>
            ))
          )}
        </>
      )}
    </div>
  );
}

function EmptyState({ title, body }: { title: string; body: string }) {
  return (
    <div className="flex flex-col items-center justify-center gap-2 rounded-xl border border-dashed px-6 py-16 text-center">
      <InboxIcon aria-hidden="true" className="size-8 text-muted-foreground" />
      <p className="font-medium">{title}</p>
      <p className="text-sm text-muted-foreground">{body}</p>
    </div>
  );
}

function DashboardSkeleton() {
  return (
    <div className="grid gap-3" aria-busy="true" aria-label="Loading integrations">
      <Skeleton className="h-4 w-24" />
      <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3">
        {Array.from({ length: 6 }, (_, i) => (
          <div key={i} className="grid gap-4 rounded-xl border bg-card p-5 shadow-sm">
            <div className="flex items-center gap-3">
              <Skeleton className="size-10 rounded-lg" />
              <div className="grid flex-1 gap-2">
                <Skeleton className="h-4 w-1/2" />
                <Skeleton className="h-3 w-1/3" />
              </div>
              <Skeleton className="h-5 w-20" />
            </div>
            <Skeleton className="h-3 w-full" />
            <Skeleton className="h-3 w-4/5" />
            <Skeleton className="h-8 w-24" />
          </div>
        ))}
      </div>
    </div>
  );
}
