"use client";

import * as React from "react";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { CircleAlertIcon, FilterXIcon } from "lucide-react";

import { errorMessage } from "@/components/api/client";
import { useActivity, useCatalog } from "@/components/api/queries";
import { ERROR_CATEGORY_LABELS, errorCategoryLabel, type ActivityItem, type CallOutcome, type ErrorCategory } from "@/components/api/types";
import { RelativeTime, formatAbsolute, formatShortDateTime } from "@/components/format";
import { ExportCsvButton, ExportNotice, useCsvExport } from "@/components/exports/export-csv-button";
import { EmptyRow, FilterSelect, LoadingRows, PageButtons, useUrlFilters } from "@/components/list/list-page";
import { PageHeader, RefreshButton } from "@/components/shell/page-header";
import { useCurrentUser } from "@/components/shell/use-current-user";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { NativeSelect, NativeSelectOption } from "@/components/ui/select";
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
  const searchParams = useSearchParams();

  // Memoised on the query string so the provider options below can depend on it: an object built in render may, for all the React Compiler can tell, be mutated later.
  const filters = React.useMemo(() => Object.fromEntries(FILTER_KEYS.map((k) => [k, searchParams.get(k) ?? ""])) as Record<FilterKey, string>, [searchParams]);
  const page = positiveInt(searchParams.get("page"), 1);
  const pageSize = positiveInt(searchParams.get("pageSize"), PAGE_SIZE_DEFAULT);

  // The filters as the API reads them: the list's page and the export both use them.
  const filterParams: Record<string, string> = {};
  if (filters.providerId) filterParams.providerId = filters.providerId;
  if (filters.outcome) filterParams.outcome = filters.outcome;
  if (filters.errorCategory) filterParams.errorCategory = filters.errorCategory;
  if (filters.from) filterParams.from = toApiDate(filters.from, "start");
  if (filters.to) filterParams.to = toApiDate(filters.to, "end");
  const apiParams: Record<string, string> = { page: String(page), pageSize: String(pageSize), ...filterParams };

  const { canEdit } = useCurrentUser();
  const csvExport = useCsvExport("activity");
  const catalog = useCatalog();
  const activity = useActivity(apiParams);

  const providerNames = React.useMemo(() => new Map((catalog.data?.providers ?? []).map((p) => [p.id, p.name])), [catalog.data]);

  const update = useUrlFilters();

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
        {/* The export is a POST, which the API allows admins only. */}
        {canEdit && <ExportCsvButton csvExport={csvExport} filters={filterParams} title={hasFilters ? "Export the calls these filters match" : "Export every call"} />}
        <RefreshButton fetching={activity.isFetching} onClick={() => void activity.refetch()} />
      </PageHeader>

      <ExportNotice csvExport={csvExport} />

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
          <Button type="button" variant="ghost" className="col-span-2 justify-self-start" onClick={() => update(Object.fromEntries(FILTER_KEYS.map((k) => [k, null])))}>
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
              <LoadingRows rows={8} columns={9} />
            ) : !data || data.items.length === 0 ? (
              <EmptyRow
                columns={9}
                testId="activity-empty"
                title={activity.isError ? "No activity loaded" : hasFilters ? "No calls match these filters" : "No activity yet"}
                hint={hasFilters ? "Try a wider date range or clear the filters." : "Calls to connected providers show up here as they happen."}
              />
            ) : (
              data.items.map((item) => <ActivityRow key={item.id} item={item} providerName={providerNames.get(item.providerId)} />)
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
          <PageButtons page={page} pageCount={pageCount} nextDisabled={activity.isPlaceholderData} onPage={(p) => update({ page: p })} />
        </div>
      </nav>
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
      <TableCell className={cn(!item.errorCategory && "text-muted-foreground")}>{errorCategoryLabel(item.errorCategory)}</TableCell>
      <TableCell className="text-right tabular-nums">{item.durationMs.toLocaleString()}</TableCell>
      <TableCell className="text-right tabular-nums">{item.attempts}</TableCell>
      <TableCell className={cn("text-right tabular-nums", item.statusCode === null && "text-muted-foreground")}>{item.statusCode ?? "—"}</TableCell>
      <TableCell className="max-w-[28rem] pr-4">
        <span className="block truncate" title={[item.message, item.actor ? `by ${item.actor}` : null].filter(Boolean).join(" — ")}>
          {item.message ?? <span className="text-muted-foreground">—</span>}
        </span>
      </TableCell>
    </TableRow>
  );
}
