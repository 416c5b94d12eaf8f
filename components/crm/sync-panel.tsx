"use client";

import * as React from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { CircleAlertIcon, CircleCheckIcon, LoaderCircleIcon, RefreshCwIcon } from "lucide-react";

import { apiFetch } from "@/components/api/client";
import type { Jsonify } from "@/components/api/types";
import { Problem } from "@/components/crm/problem";
import { RelativeTime } from "@/components/format";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import type { SyncKind, SyncOverview as ServerSyncOverview, SyncReport as ServerSyncReport } from "@/lib/odoo-sync";

export type SyncOverview = Jsonify<ServerSyncOverview>;
export type SyncReport = Jsonify<ServerSyncReport>;

export const syncQueryKey = (kind: SyncKind) => ["odoo-sync", kind] as const;

const COUNT_LABELS: Record<string, string> = { created: "created", updated: "updated", found: "already in Odoo", unchanged: "unchanged", cancelled: "cancelled" };

/** The progress of a run: done / total as a bar and in words. */
export function SyncProgress({ report }: { report: SyncReport }) {
  const percent = report.total > 0 ? Math.round((report.processed / report.total) * 100) : 100;
  return (
    <div className="grid gap-1.5" data-testid="sync-progress">
      <div className="flex justify-between text-xs text-muted-foreground">
        <span>
          {report.processed} of {report.total} done
        </span>
        <span>{percent}%</span>
      </div>
      <div
        className="h-2 overflow-hidden rounded-full bg-muted"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={report.total}
        aria-valuenow={report.processed}
        aria-label="Sync progress"
      >
        <div className="h-full rounded-full bg-primary transition-[width]" style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}

/** A finished run: counts, the outcome in words, and each failure with its reason. */
export function SyncReportView({ report }: { report: SyncReport }) {
  const counts = Object.entries(report.counts).filter(([, n]) => n > 0);
  return (
    <div className="grid gap-3 text-sm" data-testid="sync-report">
      <div className="flex flex-wrap items-center gap-2">
        {report.status === "completed" ? (
          <Badge variant="success">
            <CircleCheckIcon aria-hidden="true" />
            Completed
          </Badge>
        ) : report.status === "failed" ? (
          <Badge variant="destructive">
            <CircleAlertIcon aria-hidden="true" />
            Failed
          </Badge>
        ) : (
          <Badge variant="secondary">
            <LoaderCircleIcon aria-hidden="true" className="animate-spin" />
            Running
          </Badge>
        )}
        <span className="text-muted-foreground">
          <RelativeTime value={report.finishedAt ?? report.startedAt} /> · {report.trigger === "cron" ? "scheduled" : "manual"}
        </span>
      </div>
      <dl className="grid grid-cols-3 gap-2">
        {[
          ["Processed", report.processed],
          ["Successful", report.successful],
          ["Failed", report.failed],
        ].map(([label, value]) => (
          <div key={label} className="rounded-md bg-muted/60 px-2.5 py-2">
            <dd className="text-sm font-semibold tabular-nums" data-testid={`sync-${String(label).toLowerCase()}`}>
              {value}
            </dd>
            <dt className="text-[11px] text-muted-foreground">{label}</dt>
          </div>
        ))}
      </dl>
      {counts.length > 0 && <p className="text-xs text-muted-foreground">{counts.map(([k, n]) => `${n} ${COUNT_LABELS[k] ?? k}`).join(" · ")}</p>}
      {report.message && <p className="text-xs text-muted-foreground">{report.message}</p>}
      {report.failures.length > 0 && (
        <ul className="grid gap-1.5 text-xs" aria-label="Failures">
          {report.failures.slice(0, 20).map((f) => (
            <li key={f.id} className="rounded-md border border-destructive/20 bg-destructive/5 px-2.5 py-1.5">
              <span className="font-medium">{f.label}</span>: <span className="text-destructive">{f.reason}</span>
            </li>
          ))}
          {report.failures.length > 20 && <li className="text-muted-foreground">… and {report.failures.length - 20} more</li>}
        </ul>
      )}
    </div>
  );
}

/**
 * One Odoo sync: a button that runs it, the progress while it runs (polled), and the last report.
 */
export function SyncPanel({
  kind,
  title,
  description,
  actionLabel,
  canEdit,
  onDone,
}: {
  kind: SyncKind;
  title: string;
  description: string;
  actionLabel: string;
  canEdit: boolean;
  onDone?: () => void;
}) {
  const queryClient = useQueryClient();
  const [running, setRunning] = React.useState(false);
  const overview = useQuery({
    queryKey: syncQueryKey(kind),
    queryFn: ({ signal }) => apiFetch<SyncOverview>(`/api/integrations/odoo/sync-${kind}`, { signal }),
    // Poll while a run is going (ours or one started elsewhere) so progress moves.
    refetchInterval: (query) => (running || query.state.data?.running ? 1_000 : 30_000),
  });
  const run = useMutation({
    mutationFn: () => apiFetch<SyncReport>(`/api/integrations/odoo/sync-${kind}`, { method: "POST" }),
    onMutate: () => setRunning(true),
    onSettled: () => {
      setRunning(false);
      void queryClient.invalidateQueries({ queryKey: syncQueryKey(kind) });
      void queryClient.invalidateQueries({ queryKey: ["integrations", "status"] });
      onDone?.();
    },
  });
  const data = overview.data;
  const latest = run.data ?? data?.runs[0] ?? null;
  const live = data?.running ?? null;

  return (
    <Card className="gap-4 py-5" data-testid={`sync-panel-${kind}`}>
      <CardHeader className="px-5">
        <CardTitle>{title}</CardTitle>
        <CardDescription>
          {description}
          {data?.pending !== null && data?.pending !== undefined && (
            <span className="ml-1 font-medium text-foreground" data-testid="sync-pending">
              {data.pending} waiting.
            </span>
          )}
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4 px-5">
        {canEdit && (
          <div>
            <Button size="sm" onClick={() => run.mutate()} disabled={run.isPending || !!live} data-testid={`sync-run-${kind}`}>
              {run.isPending || live ? <LoaderCircleIcon aria-hidden="true" className="animate-spin" /> : <RefreshCwIcon aria-hidden="true" />}
              {run.isPending || live ? "Running…" : actionLabel}
            </Button>
          </div>
        )}
        {live && <SyncProgress report={live} />}
        {run.isError && <Problem title="Could not run" error={run.error} />}
        {latest && !live ? <SyncReportView report={latest} /> : !live && <p className="text-sm text-muted-foreground">No run yet.</p>}
      </CardContent>
    </Card>
  );
}
