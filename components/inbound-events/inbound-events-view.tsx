"use client";

import * as React from "react";
import { useSearchParams } from "next/navigation";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ChevronDownIcon, CircleAlertIcon, FilterXIcon, RotateCwIcon } from "lucide-react";

import { apiFetch, errorMessage } from "@/components/api/client";
import { useInboundEvent, useInboundEvents } from "@/components/api/queries";
import { joinNames, useProviderName, useProviders } from "@/components/api/catalog";
import type { InboundEvent, InboundEventDetail, InboundState, Provider, SignatureVerdict } from "@/components/api/types";
import { RelativeTime, formatAbsolute, formatShortDateTime } from "@/components/format";
import { EmptyRow, FilterSelect, ListHeading, LoadingRows, PageButtons, useUrlFilters } from "@/components/list/list-page";
import { useCurrentUser } from "@/components/shell/use-current-user";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { cn } from "@/lib/utils";

type Variant = "success" | "destructive" | "warning" | "secondary" | "outline";

const STATES: { value: InboundState; label: string; variant: Variant; bar: string }[] = [
  { value: "processed", label: "Processed", variant: "success", bar: "bg-success" },
  { value: "received", label: "Waiting", variant: "secondary", bar: "bg-primary/40" },
  { value: "processing", label: "Processing", variant: "secondary", bar: "bg-primary/70" },
  { value: "failed", label: "Failed", variant: "destructive", bar: "bg-destructive" },
  { value: "ignored", label: "Stored, not acted on", variant: "outline", bar: "bg-muted-foreground/40" },
  { value: "rejected", label: "Refused", variant: "warning", bar: "bg-warning" },
];
const SIGNATURES: { value: SignatureVerdict; label: string; variant: Variant }[] = [
  { value: "verified", label: "Verified", variant: "success" },
  { value: "missing", label: "Missing", variant: "warning" },
  { value: "invalid", label: "Invalid", variant: "destructive" },
  { value: "stale", label: "Too old", variant: "warning" },
];
// The catalog claims "webhooks" exactly where a provider has an inbound slot (see the registry test).
const receivesWebhooks = (p: Provider) => p.capabilities.includes("webhooks");
const FILTER_KEYS = ["provider", "state", "signature", "type"] as const;
type FilterKey = (typeof FILTER_KEYS)[number];
const PAGE_SIZE = 25;

export function InboundEventsView() {
  const searchParams = useSearchParams();
  const { canEdit } = useCurrentUser();

  const filters = Object.fromEntries(FILTER_KEYS.map((k) => [k, searchParams.get(k) ?? ""])) as Record<FilterKey, string>;
  const pageNumber = Number(searchParams.get("page"));
  const page = Number.isInteger(pageNumber) && pageNumber > 0 ? pageNumber : 1;
  const apiParams: Record<string, string> = { page: String(page), pageSize: String(PAGE_SIZE) };
  for (const k of FILTER_KEYS) if (filters[k]) apiParams[k] = filters[k];
  const events = useInboundEvents(apiParams);
  const [typeDraft, setTypeDraft] = React.useState(filters.type);

  const update = useUrlFilters();
  const senders = useProviders(receivesWebhooks);
  const providerOptions = React.useMemo(() => senders.map((p) => ({ value: p.id, label: p.name })), [senders]);

  const data = events.data;
  const total = data?.total ?? 0;
  const pageCount = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const hasFilters = FILTER_KEYS.some((k) => filters[k]);

  return (
    <div className="grid gap-6">
      <ListHeading
        title="Inbound webhooks"
        description={`Every call ${
          senders.length
            ? joinNames(
                senders.map((p) => p.name),
                "and",
              )
            : "a provider"
        } made to Plugboard: stored before it was acknowledged, processed once.`}
        fetching={events.isFetching}
        onRefresh={() => void events.refetch()}
      />

      <StateSummary counts={data?.counts} onPick={(state) => update({ state })} />

      <form
        role="search"
        aria-label="Filter webhook events"
        className="grid grid-cols-2 items-end gap-3 rounded-xl border bg-card p-4 shadow-xs sm:flex sm:flex-wrap"
        onSubmit={(e) => {
          e.preventDefault();
          update({ type: typeDraft.trim() || null });
        }}
      >
        <FilterSelect
          id="filter-provider"
          label="Provider"
          allLabel="All providers"
          options={providerOptions}
          value={filters.provider}
          onChange={(v) => update({ provider: v })}
          className="sm:min-w-40"
        />
        <FilterSelect id="filter-state" label="State" allLabel="All states" options={STATES} value={filters.state} onChange={(v) => update({ state: v })} className="sm:min-w-40" />
        <FilterSelect
          id="filter-signature"
          label="Signature"
          allLabel="Any signature"
          options={SIGNATURES}
          value={filters.signature}
          onChange={(v) => update({ signature: v })}
          className="sm:min-w-40"
        />
        <div className="grid min-w-0 gap-1.5">
          <Label htmlFor="filter-type">Event type</Label>
          <Input
            id="filter-type"
            placeholder="e.g. payment_intent"
            className="w-full sm:w-52"
            value={typeDraft}
            onChange={(e) => setTypeDraft(e.target.value)}
            onBlur={() => typeDraft.trim() !== filters.type && update({ type: typeDraft.trim() || null })}
          />
        </div>
        {hasFilters && (
          <Button
            type="button"
            variant="ghost"
            className="col-span-2 justify-self-start"
            onClick={() => {
              setTypeDraft("");
              update(Object.fromEntries(FILTER_KEYS.map((k) => [k, null])));
            }}
          >
            <FilterXIcon aria-hidden="true" />
            Clear filters
          </Button>
        )}
      </form>

      {events.isError && (
        <Alert variant="destructive">
          <CircleAlertIcon aria-hidden="true" />
          <AlertTitle>Could not load webhook events</AlertTitle>
          <AlertDescription>{errorMessage(events.error)}</AlertDescription>
        </Alert>
      )}

      <div className="overflow-hidden rounded-xl border bg-card shadow-xs">
        <Table aria-label="Inbound webhook events" aria-busy={events.isFetching || undefined} data-testid="inbound-events-table">
          <TableHeader className="bg-muted/40">
            <TableRow className="hover:bg-transparent">
              <TableHead className="w-8 pl-4">
                <span className="sr-only">Details</span>
              </TableHead>
              <TableHead>Received</TableHead>
              <TableHead>Provider</TableHead>
              <TableHead>Type</TableHead>
              <TableHead>Signature</TableHead>
              <TableHead>State</TableHead>
              <TableHead className="text-right">Attempts</TableHead>
              <TableHead className="text-right">Deliveries</TableHead>
              <TableHead>Error</TableHead>
              <TableHead className="pr-4 text-right">
                <span className="sr-only">Actions</span>
              </TableHead>
            </TableRow>
          </TableHeader>
          <TableBody className={cn(events.isPlaceholderData && "opacity-60 transition-opacity")}>
            {events.isPending ? (
              <LoadingRows rows={6} columns={10} />
            ) : !data || data.items.length === 0 ? (
              <EmptyRow
                columns={10}
                testId="inbound-events-empty"
                title={hasFilters ? "No events match these filters" : "No webhook calls yet"}
                hint={
                  hasFilters
                    ? "Try other filters or clear them."
                    : "Point Stripe at /api/webhooks/stripe, Twilio's callbacks at /api/webhooks/twilio/…, and Mailchimp at /api/webhooks/mailchimp?secret=…&workspace=…"
                }
              />
            ) : (
              data.items.map((event) => <EventRow key={event.id} event={event} canEdit={canEdit} />)
            )}
          </TableBody>
        </Table>
      </div>

      <nav aria-label="Pagination" className="flex flex-wrap items-center justify-between gap-3 text-sm">
        <p className="text-muted-foreground">
          {total === 0 ? "No results" : `Showing ${(page - 1) * PAGE_SIZE + 1}–${Math.min(total, page * PAGE_SIZE)} of ${total.toLocaleString()}`}
        </p>
        <div className="flex items-center gap-3">
          <span className="text-muted-foreground tabular-nums">
            Page {page} of {pageCount}
          </span>
          <PageButtons page={page} pageCount={pageCount} nextDisabled={events.isPlaceholderData} onPage={(p) => update({ page: p })} />
        </div>
      </nav>
    </div>
  );
}

/** Events per state as one proportional bar with a legend; a state's label filters the table. */
function StateSummary({ counts, onPick }: { counts: Record<InboundState, number> | undefined; onPick: (state: string) => void }) {
  const total = counts ? Object.values(counts).reduce((a, b) => a + b, 0) : 0;
  return (
    <section aria-label="Events by state" className="grid gap-3 rounded-xl border bg-card p-4 shadow-xs" data-testid="inbound-summary">
      <div
        className="flex h-3 w-full overflow-hidden rounded-full bg-muted"
        role="img"
        aria-label={counts ? STATES.map((s) => `${s.label}: ${counts[s.value]}`).join(", ") : "Loading"}
      >
        {counts &&
          total > 0 &&
          STATES.filter((s) => counts[s.value] > 0).map((s) => (
            <div key={s.value} className={cn("h-full", s.bar)} style={{ width: `${(counts[s.value] / total) * 100}%` }} title={`${s.label}: ${counts[s.value]}`} />
          ))}
      </div>
      <ul className="flex flex-wrap gap-x-5 gap-y-1 text-sm">
        {STATES.map((s) => (
          <li key={s.value}>
            <button
              type="button"
              className="flex items-center gap-1.5 rounded-sm text-muted-foreground hover:text-foreground"
              onClick={() => onPick(s.value)}
              data-testid={`inbound-count-${s.value}`}
            >
              <span aria-hidden="true" className={cn("size-2.5 rounded-full", s.bar)} />
              {s.label}
              <span className="font-medium text-foreground tabular-nums">{counts ? counts[s.value].toLocaleString() : "…"}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function EventRow({ event, canEdit }: { event: InboundEvent; canEdit: boolean }) {
  const [open, setOpen] = React.useState(false);
  const providerName = useProviderName();
  const queryClient = useQueryClient();
  const reprocess = useMutation({
    mutationFn: () => apiFetch<InboundEventDetail>(`/api/inbound-events/${encodeURIComponent(event.id)}/reprocess`, { method: "POST" }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["inbound-events"] }),
  });
  const state = STATES.find((s) => s.value === event.state);
  const signature = SIGNATURES.find((s) => s.value === event.signature);
  const date = new Date(event.receivedAt);
  return (
    <>
      <TableRow data-testid="inbound-event-row" data-state={event.state} data-type={event.type}>
        <TableCell className="pl-4">
          <Button variant="ghost" size="icon" className="size-7" aria-expanded={open} aria-label={open ? "Hide details" : "Show details"} onClick={() => setOpen(!open)}>
            <ChevronDownIcon aria-hidden="true" className={cn("transition-transform", open && "rotate-180")} />
          </Button>
        </TableCell>
        <TableCell className="text-muted-foreground tabular-nums">
          <time dateTime={event.receivedAt} title={formatAbsolute(date)} suppressHydrationWarning>
            {formatShortDateTime(date)}
          </time>
          <span className="block text-[11px]">
            <RelativeTime value={event.receivedAt} />
          </span>
        </TableCell>
        <TableCell className="font-medium">{providerName(event.provider)}</TableCell>
        <TableCell className="font-mono text-xs">{event.type}</TableCell>
        <TableCell>
          <Badge variant={signature?.variant ?? "outline"}>{signature?.label ?? event.signature}</Badge>
        </TableCell>
        <TableCell>
          <Badge variant={state?.variant ?? "outline"} data-testid="inbound-event-state">
            {state?.label ?? event.state}
          </Badge>
        </TableCell>
        <TableCell className="text-right tabular-nums" data-testid="inbound-event-attempts">
          {event.attempts}
        </TableCell>
        <TableCell className="text-right tabular-nums">{event.deliveries}</TableCell>
        <TableCell className="max-w-[22rem]">
          <span className="block truncate" title={event.lastError ?? undefined}>
            {event.lastError ?? <span className="text-muted-foreground">—</span>}
          </span>
          {event.state === "failed" && event.nextAttemptAt && (
            <span className="block text-[11px] text-muted-foreground">
              Retries <RelativeTime value={event.nextAttemptAt} />
            </span>
          )}
          {reprocess.isError && <span className="block text-xs text-destructive">{errorMessage(reprocess.error)}</span>}
        </TableCell>
        <TableCell className="pr-4 text-right">
          {canEdit && event.canReprocess && (
            <Button variant="outline" size="sm" disabled={reprocess.isPending} onClick={() => reprocess.mutate()}>
              <RotateCwIcon aria-hidden="true" className={cn(reprocess.isPending && "animate-spin")} />
              Reprocess
            </Button>
          )}
        </TableCell>
      </TableRow>
      {open && (
        <TableRow className="bg-muted/30 hover:bg-muted/30">
          <TableCell colSpan={10} className="px-4 py-3 whitespace-normal">
            <EventDetails id={event.id} />
          </TableCell>
        </TableRow>
      )}
    </>
  );
}

function EventDetails({ id }: { id: string }) {
  const detail = useInboundEvent(id, true);
  if (detail.isPending) return <Skeleton className="h-24 w-full" />;
  if (detail.isError) return <p className="text-sm text-destructive">{errorMessage(detail.error)}</p>;
  const d = detail.data;
  return (
    <div className="grid gap-2 text-sm" data-testid="inbound-event-details">
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1">
        <dt className="text-muted-foreground">Event key</dt>
        <dd className="font-mono text-xs break-all">{d.dedupeKey ?? "—"}</dd>
        <dt className="text-muted-foreground">Body size</dt>
        <dd>{d.bodyBytes.toLocaleString()} bytes</dd>
        <dt className="text-muted-foreground">Processed</dt>
        <dd>{d.processedAt ? formatAbsolute(new Date(d.processedAt)) : "—"}</dd>
      </dl>
      {d.payload === null ? (
        <p className="text-muted-foreground">No payload: a refused delivery keeps its metadata only.</p>
      ) : (
        <pre className="max-h-80 overflow-auto rounded-md border bg-background p-3 font-mono text-xs">{JSON.stringify(d.payload, null, 2)}</pre>
      )}
    </div>
  );
}
