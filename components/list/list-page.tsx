"use client";

// Pieces shared by the dashboard's list pages (Activity, Webhooks): the heading with a refresh
// button, filters kept in the URL, labelled select filters, and the Suspense fallback.
import * as React from "react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { ChevronLeftIcon, ChevronRightIcon, InboxIcon } from "lucide-react";

import { PageHeader, RefreshButton } from "@/components/shell/page-header";
import { Button } from "@/components/ui/button";
import { Label } from "@/components/ui/label";
import { NativeSelect, NativeSelectOption } from "@/components/ui/select";
import { Skeleton } from "@/components/ui/skeleton";
import { TableCell, TableRow } from "@/components/ui/table";
import { cn } from "@/lib/utils";

/** The page title and its one-line description, with a refresh button on the right. */
export function ListHeading({ title, description, fetching, onRefresh }: { title: string; description: string; fetching: boolean; onRefresh: () => void }) {
  return (
    <PageHeader title={title} description={description}>
      <RefreshButton fetching={fetching} onClick={onRefresh} />
    </PageHeader>
  );
}

/** Writes filter changes to the URL (empty values remove the key); any change but the page's goes back to page 1. */
export function useUrlFilters(): (changes: Record<string, string | null>) => void {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  return React.useCallback(
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
}

/** One labelled filter: "all" (an empty value) first, then the options in the order given. */
export function FilterSelect({
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
      <NativeSelect id={id} value={value} onChange={(e) => onChange(e.target.value)} className={className} wrapperClassName="w-full sm:w-fit">
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

/** What a list page shows while its URL-driven view loads (useSearchParams needs a Suspense boundary). */
export function ListPageFallback() {
  return (
    <div className="grid gap-6">
      <Skeleton className="h-8 w-40" />
      <Skeleton className="h-20 w-full rounded-xl" />
      <Skeleton className="h-96 w-full rounded-xl" />
    </div>
  );
}

/** Placeholder rows while a table's first page loads. */
export function LoadingRows({ rows, columns }: { rows: number; columns: number }) {
  return Array.from({ length: rows }, (_, i) => (
    <TableRow key={i} className="hover:bg-transparent">
      {Array.from({ length: columns }, (_, j) => (
        <TableCell key={j} className={cn(j === 0 && "pl-4", j === columns - 1 && "pr-4")}>
          <Skeleton className={cn("h-4", j === columns - 1 ? "w-48" : "w-16")} />
        </TableCell>
      ))}
    </TableRow>
  ));
}

/** The one row of an empty table: what is empty, and what to do about it. */
export function EmptyRow({ columns, testId, title, hint }: { columns: number; testId: string; title: string; hint: React.ReactNode }) {
  return (
    <TableRow className="hover:bg-transparent">
      <TableCell colSpan={columns} className="py-16 text-center whitespace-normal">
        <div className="flex flex-col items-center gap-2" data-testid={testId}>
          <InboxIcon aria-hidden="true" className="size-8 text-muted-foreground" />
          <p className="font-medium">{title}</p>
          <p className="max-w-md text-sm text-muted-foreground">{hint}</p>
        </div>
      </TableCell>
    </TableRow>
  );
}

/** Previous / next page buttons; page 1 is written to the URL as no page at all. */
export function PageButtons({ page, pageCount, nextDisabled, onPage }: { page: number; pageCount: number; nextDisabled?: boolean; onPage: (page: string | null) => void }) {
  return (
    <div className="flex items-center gap-1">
      <Button variant="outline" size="icon" className="size-8" aria-label="Previous page" disabled={page <= 1} onClick={() => onPage(page - 1 > 1 ? String(page - 1) : null)}>
        <ChevronLeftIcon aria-hidden="true" />
      </Button>
      <Button variant="outline" size="icon" className="size-8" aria-label="Next page" disabled={page >= pageCount || nextDisabled} onClick={() => onPage(String(page + 1))}>
        <ChevronRightIcon aria-hidden="true" />
      </Button>
    </div>
  );
}
