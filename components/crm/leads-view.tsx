"use client";

import * as React from "react";
import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { ChevronLeftIcon, ChevronRightIcon, InboxIcon } from "lucide-react";

import { apiFetch } from "@/components/api/client";
import type { Jsonify } from "@/components/api/types";
import { Problem } from "@/components/crm/problem";
import { ExportCsvButton, ExportNotice, useCsvExport } from "@/components/exports/export-csv-button";
import { SyncPanel } from "@/components/crm/sync-panel";
import { RelativeTime } from "@/components/format";
import { PageHeader } from "@/components/shell/page-header";
import { useCurrentUser } from "@/components/shell/use-current-user";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import type { LeadPage as ServerLeadPage, LeadView } from "@/lib/crm/leads";
import { cn } from "@/lib/utils";

type LeadPage = Jsonify<ServerLeadPage>;
type Lead = Jsonify<LeadView>;
type Filter = "all" | "unsent" | "exported" | "failed";

const FILTERS: { value: Filter; label: string }[] = [
  { value: "all", label: "All" },
  { value: "unsent", label: "Not in Odoo yet" },
  { value: "exported", label: "In Odoo" },
  { value: "failed", label: "Failed" },
];
const PAGE_SIZE = 25;

function LeadStatus({ lead }: { lead: Lead }) {
  if (lead.exportedAt) {
    return (
      <Badge variant="success" title={`Odoo lead #${lead.odooLeadId}`}>
        In Odoo #{lead.odooLeadId}
      </Badge>
    );
  }
  if (lead.lastExportError) {
    return (
      <Badge variant="destructive" title={lead.lastExportError}>
        Failed
      </Badge>
    );
  }
  return <Badge variant="outline">Waiting</Badge>;
}

export function LeadsView() {
  const { canEdit } = useCurrentUser();
  const queryClient = useQueryClient();
  const [filter, setFilter] = React.useState<Filter>("all");
  const [page, setPage] = React.useState(1);
  const csvExport = useCsvExport("leads");
  const leads = useQuery({
    queryKey: ["leads", filter, page],
    queryFn: ({ signal }) => apiFetch<LeadPage>(`/api/leads?status=${filter}&page=${page}&pageSize=${PAGE_SIZE}`, { signal }),
    placeholderData: keepPreviousData,
    refetchInterval: 15_000,
  });
  const data = leads.data;
  const pageCount = Math.max(1, Math.ceil((data?.total ?? 0) / PAGE_SIZE));

  return (
    <div className="grid gap-6">
      <PageHeader title="Leads" description="Contacts from the website, and whether they have reached your Odoo CRM.">
        {/* Every lead, whatever the tab: the export takes no filters. A POST, which the API allows admins only. */}
        {canEdit && <ExportCsvButton csvExport={csvExport} title="Export every lead" />}
      </PageHeader>

      <ExportNotice csvExport={csvExport} />

      <SyncPanel
        kind="leads"
        title="Export to Odoo"
        description="Unsent leads go to Odoo as CRM leads, in batches, every 4 hours and when you ask."
        actionLabel="Sync leads now"
        canEdit={canEdit}
        onDone={() => void queryClient.invalidateQueries({ queryKey: ["leads"] })}
      />

      <div className="flex flex-wrap gap-1" role="tablist" aria-label="Filter leads">
        {FILTERS.map((f) => (
          <Button
            key={f.value}
            role="tab"
            aria-selected={filter === f.value}
            variant={filter === f.value ? "secondary" : "ghost"}
            size="sm"
            onClick={() => {
              setFilter(f.value);
              setPage(1);
            }}
          >
            {f.label}
            {data && <span className="text-muted-foreground tabular-nums">{data.counts[f.value]}</span>}
          </Button>
        ))}
      </div>

      {leads.isError && <Problem title="Could not load the leads" error={leads.error} />}
      {leads.isPending ? (
        <Skeleton className="h-64 w-full rounded-xl" />
      ) : data && data.leads.length === 0 ? (
        <div className="flex flex-col items-center gap-2 rounded-xl border bg-card p-10 text-center text-sm text-muted-foreground" data-testid="leads-empty">
          <InboxIcon aria-hidden="true" className="size-6" />
          {/* One paragraph: bare text beside <code> in the flex column would become three stacked items. */}
          <p>
            No leads here. Leads arrive through <code className="rounded bg-muted px-1 py-0.5 font-mono text-xs text-foreground">POST /api/leads</code>.
          </p>
        </div>
      ) : (
        <div className={cn("rounded-xl border bg-card shadow-xs", leads.isFetching && "opacity-80")}>
          <Table data-testid="leads-table">
            <TableHeader>
              <TableRow>
                <TableHead>Name</TableHead>
                <TableHead>Email</TableHead>
                <TableHead className="hidden md:table-cell">Company</TableHead>
                <TableHead className="hidden lg:table-cell">Whitepaper</TableHead>
                <TableHead>Received</TableHead>
                <TableHead>Odoo</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {data?.leads.map((lead) => (
                <TableRow key={lead.id}>
                  <TableCell className="font-medium">{lead.name}</TableCell>
                  <TableCell>{lead.email}</TableCell>
                  <TableCell className="hidden md:table-cell">{lead.company ?? "—"}</TableCell>
                  <TableCell className="hidden max-w-[16rem] truncate lg:table-cell" title={lead.whitepaperTitle ?? undefined}>
                    {lead.whitepaperTitle ?? "—"}
                  </TableCell>
                  <TableCell>
                    <RelativeTime value={lead.createdAt} />
                  </TableCell>
                  <TableCell>
                    <LeadStatus lead={lead} />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <div className="flex items-center justify-between border-t px-4 py-2 text-sm text-muted-foreground">
            <span>
              Page {page} of {pageCount} · {data?.total ?? 0} leads
            </span>
            <div className="flex gap-1">
              <Button variant="ghost" size="icon" className="size-8" aria-label="Previous page" disabled={page <= 1} onClick={() => setPage((p) => p - 1)}>
                <ChevronLeftIcon aria-hidden="true" />
              </Button>
              <Button variant="ghost" size="icon" className="size-8" aria-label="Next page" disabled={page >= pageCount} onClick={() => setPage((p) => p + 1)}>
                <ChevronRightIcon aria-hidden="true" />
              </Button>
            </div>
          </div>
        </div>
      )}
    </div>
  );
}
