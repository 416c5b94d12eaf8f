"use client";

import * as React from "react";
import { CircleAlertIcon, EyeIcon, InboxIcon, SearchIcon } from "lucide-react";

import { errorMessage } from "@/components/api/client";
import { useCatalog, useIntegrationStatus } from "@/components/api/queries";
import { CATEGORY_LABELS, CATEGORY_ORDER, type ProviderCategory } from "@/components/api/types";
import { OAuthFlash } from "@/components/integrations/oauth-flash";
import { ProviderSection } from "@/components/integrations/provider-cards";
import { countStates, providerCards, searchCards, type ProviderCards } from "@/components/integrations/state";
import { SummaryStrip } from "@/components/integrations/summary-strip";
import { PageHeader, RefreshControl } from "@/components/shell/page-header";
import { useCurrentUser } from "@/components/shell/use-current-user";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";

/**
 * Category sections in display order. Within one: providers with several accounts first, each a
 * full-width group of its cards; then the other available providers, alphabetically; coming soon last.
 */
function groupByCategory(cards: ProviderCards[]) {
  const groups = new Map<string, ProviderCards[]>();
  for (const card of cards) {
    const list = groups.get(card.provider.category) ?? [];
    list.push(card);
    groups.set(card.provider.category, list);
  }
  const known = CATEGORY_ORDER.filter((c) => groups.has(c));
  const unknown = [...groups.keys()].filter((c) => !CATEGORY_ORDER.includes(c as ProviderCategory)).sort();
  // Categories with something to connect come first; all-"coming soon" ones after them.
  const allComingSoon = (c: string) => groups.get(c)!.every((card) => card.provider.comingSoon);
  const ordered = [...known, ...unknown].sort((a, b) => Number(allComingSoon(a)) - Number(allComingSoon(b)));
  const rank = (card: ProviderCards) => (card.provider.comingSoon ? 2 : card.connections.length > 1 ? 0 : 1);
  return ordered.map((category) => ({
    category,
    label: CATEGORY_LABELS[category as ProviderCategory] ?? category,
    cards: groups
      .get(category)!
      .slice()
      .sort((a, b) => rank(a) - rank(b) || a.provider.name.localeCompare(b.provider.name)),
  }));
}

export function IntegrationsDashboard() {
  const { canEdit, user } = useCurrentUser();
  const catalog = useCatalog();
  const status = useIntegrationStatus();
  const [search, setSearch] = React.useState("");

  const providers = React.useMemo(() => catalog.data?.providers ?? [], [catalog.data]);
  const cards = React.useMemo(() => providerCards(providers, status.data), [providers, status.data]);
  const counts = React.useMemo(() => countStates(cards), [cards]);
  const filtered = React.useMemo(() => searchCards(cards, search), [cards, search]);
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
            <Input
              type="search"
              aria-label="Search integrations"
              placeholder="Search integrations and accounts"
              value={search}
              onChange={(e) => setSearch(e.target.value)}
              className="pl-9"
            />
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
                  {group.cards.map((card) => (
                    <ProviderSection key={card.provider.id} cards={card} canEdit={canEdit} statusUnknown={!status.data} />
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
