"use client";

import * as React from "react";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { ChevronLeftIcon, ChevronRightIcon, CircleAlertIcon, FilterXIcon, InboxIcon } from "lucide-react";

import { errorMessage } from "@/components/api/client";
import { useActivity, useCatalog } from "@/components/api/queries";
import {
  ERROR_CATEGORY_LABELS,
  errorCategoryLabel,
  type ActivityItem,
  type CallOutcome,
  type ErrorCategory,
} from "@/components/api/types";
import { RelativeTime, formatAbsolute, formatShortDateTime } from "@/components/format";
import { PageHeader, RefreshControl } from "@/components/shell/page-header";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { NativeSelect, NativeSelectOption } from "@/components/ui/select";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { cn } from "@/lib/utils";

const PAGE_SIZE_DEFAULT = 25;
const PAGE_SIZES = [25, 50, 100];

const OUTCOMES: { value: CallOutcome; label: string; variant: "success" | "destructive" | "warning" }[] = [
  { value: "success", label: "Success", variant: "success" },
  { value: "failure", label: "Failure", variant: "destructive" },
  { value: "short_circuit", label: "Short-circuited", variant: "warning" },
];

/** The URL keys this page reads and writes; anything else in the query string is left alone. */
const FILTER_KEYS = ["providerId", "outcome", "errorCategory", "from", "to"] as const;
type FilterKey = (typeof FILTER_KEYS)[number];

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A `YYYY-MM-DD` from a date input becomes the start (from) or end (to) of that local day. */
function toApiDate(value: string, edge: "start" | "end"): string {
  if (!DAY.test(value)) return value;
  const date = new Date(`${value}T${edge === "start" ? "00:00:00.000" : "23:59:59.999"}`);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}

function positiveInt(value: string | null, fallback: number) {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

export function ActivityView() {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();

  const filters = Object.fromEntries(FILTER_KEYS.map((k) => [k, searchParams.get(k) ?? ""])) as Record<FilterKey, string>;
  const page = positiveInt(searchParams.get("page"), 1);
  const pageSize = positiveInt(searchParams.get("pageSize"), PAGE_SIZE_DEFAULT);

  const apiParams: Record<string, string> = { page: String(page), pageSize: String(pageSize) };
  if (filters.providerId) apiParams.providerId = filters.providerId;
  if (filters.outcome) apiParams.outcome = filters.outcome;
  if (filters.errorCategory) apiParams.errorCategory = filters.errorCategory;
  if (filters.from) apiParams.from = toApiDate(filters.from, "start");
  if (filters.to) apiParams.to = toApiDate(filters.to, "end");

  const catalog = useCatalog();
  const activity = useActivity(apiParams);

  const providerNames = React.useMemo(
    () => new Map((catalog.data?.providers ?? []).map((p) => [p.id, p.name])),
    [catalog.data],
  );

  /** Writes changes to the URL; any filter change goes back to page 1. */
  const update = React.useCallback(
    (changes: Record<string, string | null>) => {
      const next = new URLSearchParams(searchParams.toString());
      for (const [key, value] of Object.entries(changes)) {
        if (value) next.set(key, value);
        else next.delete(key);
      }
      if (!("page" in changes)) next.delete("page");
      const query = next.toString();
      router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
    },
    [pathname, router, searchParams],
  );

  const hasFilters = FILTER_KEYS.some((k) => filters[k]);
  const data = activity.data;
  const total = data?.total ?? 0;
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const firstRow = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const lastRow = Math.min(total, page * pageSize);

  // The provider in the URL may not be in the catalog (removed, or a typo in a link): keep it selectable.
  const providerOptions = React.useMemo(() => {
    const list = (catalog.data?.providers ?? []).map((p) => ({ value: p.id, label: p.name }));
    if (filters.providerId && !list.some((p) => p.value === filters.providerId)) {
      list.push({ value: filters.providerId, label: filters.providerId });
    }
    return list.sort((a, b) => a.label.localeCompare(b.label));
  }, [catalog.data, filters.providerId]);
  // Likewise an unknown error category from the URL, after the known ones.
  const categoryOptions: { value: string; label: string }[] = (Object.keys(ERROR_CATEGORY_LABELS) as ErrorCategory[]).map((c) => ({
    value: c,
    label: ERROR_CATEGORY_LABELS[c],
  }));
  if (filters.errorCategory && !(filters.errorCategory in ERROR_CATEGORY_LABELS)) {
    categoryOptions.push({ value: filters.errorCategory, label: filters.errorCategory });
  }

  return (
    <div className="grid gap-6">
      <PageHeader title="Activity" description="Every call Plugboard made to a connected provider, newest first.">
        <RefreshControl fetching={activity.isFetching} onRefresh={() => void activity.refetch()} />
      </PageHeader>

      <form
        role="search"
        aria-label="Filter activity"
        className="grid grid-cols-2 items-end gap-3 rounded-xl border bg-card p-4 shadow-xs sm:flex sm:flex-wrap"
        onSubmit={(e) => e.preventDefault()}
      >
        <FilterSelect
          id="filter-provider"
          label="Provider"
          allLabel="All providers"
          options={providerOptions}
          value={filters.providerId}
          onChange={(value) => update({ providerId: value })}
          className="sm:min-w-44"
        />
        <FilterSelect
          id="filter-outcome"
          label="Outcome"
          allLabel="All outcomes"
          options={OUTCOMES}
          value={filters.outcome}
          onChange={(value) => update({ outcome: value })}
          className="sm:min-w-40"
        />
        <FilterSelect
          id="filter-category"
          label="Error category"
          allLabel="All categories"
          options={categoryOptions}
          value={filters.errorCategory}
          onChange={(value) => update({ errorCategory: value })}
          className="sm:min-w-40"
        />
        <div className="grid min-w-0 gap-1.5">
          <Label htmlFor="filter-from">From</Label>
          <Input
            id="filter-from"
            type="date"
            className="w-full sm:w-40"
            value={DAY.test(filters.from) ? filters.from : filters.from.slice(0, 10)}
            max={filters.to ? filters.to.slice(0, 10) : undefined}
            onChange={(e) => update({ from: e.target.value })}
          />
        </div>
        <div className="grid min-w-0 gap-1.5">
          <Label htmlFor="filter-to">To</Label>
          <Input
            id="filter-to"
            type="date"
            className="w-full sm:w-40"
            value={DAY.test(filters.to) ? filters.to : filters.to.slice(0, 10)}
            min={filters.from ? filters.from.slice(0, 10) : undefined}
            onChange={(e) => update({ to: e.target.value })}
          />
        </div>
        {hasFilters && (
          <Button
            type="button"
            variant="ghost"
            className="col-span-2 justify-self-start"
            onClick={() => update(Object.fromEntries(FILTER_KEYS.map((k) => [k, null])))}
          >
            <FilterXIcon aria-hidden="true" />
            Clear filters
          </Button>
        )}
      </form>

      {activity.isError && (
        <Alert variant="destructive" data-testid="activity-error">
          <CircleAlertIcon aria-hidden="true" />
          <AlertTitle>Could not load activity</AlertTitle>
          <AlertDescription>
            <p>
              {errorMessage(activity.error)}
              {data ? " Showing the last loaded page." : ""}
            </p>
            <Button variant="outline" size="sm" className="mt-2" onClick={() => void activity.refetch()}>
              Try again
            </Button>
          </AlertDescription>
        </Alert>
      )}

      <div className="overflow-hidden rounded-xl border bg-card shadow-xs">
        <Table aria-label="Integration activity" aria-busy={activity.isFetching || undefined} data-testid="activity-table">
          <TableHeader className="bg-muted/40">
            <TableRow className="hover:bg-transparent">
              <TableHead className="pl-4">Time</TableHead>
              <TableHead>Provider</TableHead>
              <TableHead>Operation</TableHead>
              <TableHead>Outcome</TableHead>
              <TableHead>Category</TableHead>
              <TableHead className="text-right">Duration (ms)</TableHead>
              <TableHead className="text-right">Attempts</TableHead>
              <TableHead className="text-right">Status</TableHead>
              <TableHead className="pr-4">Message</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody className={cn(activity.isPlaceholderData && "opacity-60 transition-opacity")}>
            {activity.isPending ? (
              Array.from({ length: 8 }, (_, i) => (
                <TableRow key={i} className="hover:bg-transparent">
                  {Array.from({ length: 9 }, (_, j) => (
                    <TableCell key={j} className={cn(j === 0 && "pl-4", j === 8 && "pr-4")}>
                      <Skeleton className={cn("h-4", j === 8 ? "w-48" : "w-16")} />
                    </TableCell>
                  ))}
                </TableRow>
              ))
            ) : !data || data.items.length === 0 ? (
              <TableRow className="hover:bg-transparent">
                <TableCell colSpan={9} className="py-16 text-center whitespace-normal">
                  <div className="flex flex-col items-center gap-2" data-testid="activity-empty">
                    <InboxIcon aria-hidden="true" className="size-8 text-muted-foreground" />
                    <p className="font-medium">
                      {activity.isError ? "No activity loaded" : hasFilters ? "No calls match these filters" : "No activity yet"}
                    </p>
                    <p className="text-sm text-muted-foreground">
                      {hasFilters
                        ? "Try a wider date range or clear the filters."
                        : "Calls to connected providers show up here as they happen."}
                    </p>
                  </div>
                </TableCell>
              </TableRow>
            ) : (
              data.items.map((item) => (
                <ActivityRow key={item.id} item={item} providerName={providerNames.get(item.providerId)} />
              ))
            )}
          </TableBody>
        </Table>
      </div>

      <nav aria-label="Pagination" className="flex flex-wrap items-center justify-between gap-3 text-sm">
        <p className="text-muted-foreground" data-testid="activity-range">
          {total === 0 ? "No results" : `Showing ${firstRow}–${lastRow} of ${total.toLocaleString()}`}
        </p>
        <div className="flex items-center gap-3">
          <div className="flex items-center gap-2">
            <Label htmlFor="page-size" className="font-normal text-muted-foreground">
              Rows per page
            </Label>
            <NativeSelect
              id="page-size"
              size="sm"
              value={String(pageSize)}
              onChange={(e) => update({ pageSize: e.target.value === String(PAGE_SIZE_DEFAULT) ? null : e.target.value })}
            >
              {(PAGE_SIZES.includes(pageSize) ? PAGE_SIZES : [...PAGE_SIZES, pageSize].sort((a, b) => a - b)).map((n) => (
                <NativeSelectOption key={n} value={String(n)}>
                  {n}
                </NativeSelectOption>
              ))}
            </NativeSelect>
          </div>
          <span className="text-muted-foreground tabular-nums">
            Page {page} of {pageCount}
          </span>
          <div className="flex items-center gap-1">
            <Button
              variant="outline"
              size="icon"
              className="size-8"
              aria-label="Previous page"
              disabled={page <= 1}
              onClick={() => update({ page: page - 1 > 1 ? String(page - 1) : null })}
            >
              <ChevronLeftIcon aria-hidden="true" />
            </Button>
            <Button
              variant="outline"
              size="icon"
              className="size-8"
              aria-label="Next page"
              disabled={page >= pageCount || activity.isPlaceholderData}
              onClick={() => update({ page: String(page + 1) })}
            >
              <ChevronRightIcon aria-hidden="true" />
            </Button>
          </div>
        </div>
      </nav>
    </div>
  );
}

/** One labelled filter: "all" (an empty value) first, then the options in the order given. */
function FilterSelect({
  id,
  label,
  allLabel,
  options,
  value,
  onChange,
  className,
}: {
  id: string;
  label: string;
  allLabel: string;
  options: readonly { value: string; label: string }[];
  value: string;
  onChange: (value: string) => void;
  className: string;
}) {
  return (
    <div className="grid min-w-0 gap-1.5">
      <Label htmlFor={id}>{label}</Label>
      <NativeSelect
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        className={className}
        wrapperClassName="w-full sm:w-fit"
      >
        <NativeSelectOption value="">{allLabel}</NativeSelectOption>
        {options.map((o) => (
          <NativeSelectOption key={o.value} value={o.value}>
            {o.label}
          </NativeSelectOption>
        ))}
      </NativeSelect>
    </div>
  );
}

function ActivityRow({ item, providerName }: { item: ActivityItem; providerName: string | undefined }) {
  const outcome = OUTCOMES.find((o) => o.value === item.outcome);
  const date = new Date(item.createdAt);
  const validDate = !Number.isNaN(date.getTime());
  return (
    <TableRow data-testid="activity-row" data-outcome={item.outcome}>
      <TableCell className="pl-4 text-muted-foreground tabular-nums">
        {validDate ? (
          <time dateTime={date.toISOString()} title={formatAbsolute(date)} suppressHydrationWarning>
            {formatShortDateTime(date)}
          </time>
        ) : (
          item.createdAt
        )}
        <span className="block text-[11px]">
          <RelativeTime value={item.createdAt} />
        </span>
      </TableCell>
      <TableCell>
        <Link
          href={`/activity?providerId=${encodeURIComponent(item.providerId)}`}
          className="font-medium underline-offset-4 hover:underline"
          title={`Only ${providerName ?? item.providerId}`}
        >
          {providerName ?? item.providerId}
        </Link>
      </TableCell>
      <TableCell className="font-mono text-xs">{item.operation}</TableCell>
      <TableCell>
        <Badge variant={outcome?.variant ?? "outline"}>{outcome?.label ?? item.outcome}</Badge>
      </TableCell>
      <TableCell className={cn(!item.errorCategory && "text-muted-foreground")}>
        {errorCategoryLabel(item.errorCategory)}
      </TableCell>
      <TableCell className="text-right tabular-nums">{item.durationMs.toLocaleString()}</TableCell>
      <TableCell className="text-right tabular-nums">{item.attempts}</TableCell>
      <TableCell className={cn("text-right tabular-nums", item.statusCode === null && "text-muted-foreground")}>
        {item.statusCode ?? "—"}
      </TableCell>
      <TableCell className="max-w-[28rem] pr-4">
        <span className="block truncate" title={[item.message, item.actor ? `by ${item.actor}` : null].filter(Boolean).join(" — ")}>
          {item.message ?? <span className="text-muted-foreground">—</span>}
        </span>
      </TableCell>
    </TableRow>
  );
}
