"use client";

import * as React from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { CircleAlertIcon, ClockIcon, LoaderCircleIcon, PlayIcon } from "lucide-react";

import { apiFetch, errorMessage } from "@/components/api/client";
import { RelativeTime, formatShortDateTime } from "@/components/format";
import { PageHeader, RefreshControl } from "@/components/shell/page-header";
import { useCurrentUser } from "@/components/shell/use-current-user";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";

type RunStatus = "running" | "succeeded" | "failed";

interface JobRun {
  id: string;
  trigger: string;
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  figures: Record<string, number | boolean>;
  error: string | null;
}

interface JobItem {
  name: string;
  description: string;
  schedule: string;
  scheduleInWords: string;
  cronPath: string;
  nextRun: string | null;
  lastRun: JobRun | null;
  running: boolean;
  consecutiveFailures: number;
  recentRuns: JobRun[];
}

interface JobsOverview {
  scheduler: { enabled: boolean; mode: "auto" | "on" | "off" };
  jobs: JobItem[];
}

const JOBS_KEY = ["jobs"] as const;
/** While a job runs (or one was just started), the page follows it closely. */
const RUNNING_REFRESH_MS = 2_000;
const IDLE_REFRESH_MS = 30_000;
/** A started run that has not shown up by then is no longer waited for (the server log says why). */
const PENDING_TIMEOUT_MS = 30_000;

const STATUS_BADGE: Record<RunStatus, { label: string; variant: "success" | "destructive" | "secondary" }> = {
  running: { label: "Running", variant: "secondary" },
  succeeded: { label: "Succeeded", variant: "success" },
  failed: { label: "Failed", variant: "destructive" },
};

function formatDuration(ms: number | null): string {
  if (ms === null) return "—";
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** The figures a run reports (its report's top-level numbers and yes/no values), as text. */
function reportFigures(figures: Record<string, number | boolean> | undefined): [string, string][] {
  return Object.entries(figures ?? {}).map(([key, value]) => [key, typeof value === "number" ? value.toLocaleString() : value ? "yes" : "no"]);
}

function StatusBadge({ status, testId }: { status: RunStatus; testId?: string }) {
  const badge = STATUS_BADGE[status];
  return (
    <Badge variant={badge.variant} data-testid={testId}>
      {status === "running" && <LoaderCircleIcon aria-hidden="true" className="animate-spin" />}
      {badge.label}
    </Badge>
  );
}

export function JobsView() {
  const queryClient = useQueryClient();
  const { canEdit } = useCurrentUser();
  // Jobs started from this page, with the id of their last run when pressed: until a new run shows
  // up (it is recorded once the answer has gone out), the job counts as running.
  const [pending, setPending] = React.useState<Record<string, string | null>>({});
  const waiting = React.useCallback((job: JobItem) => job.name in pending && (job.lastRun?.id ?? null) === pending[job.name], [pending]);

  const overview = useQuery({
    queryKey: JOBS_KEY,
    queryFn: ({ signal }) => apiFetch<JobsOverview>("/api/jobs", { signal }),
    refetchInterval: (query) => (query.state.data?.jobs.some((j) => j.running || waiting(j)) ? RUNNING_REFRESH_MS : IDLE_REFRESH_MS),
    refetchOnWindowFocus: true,
  });

  const runNow = useMutation({
    mutationFn: (job: JobItem) => apiFetch<{ started: true }>(`/api/jobs/${encodeURIComponent(job.name)}/run`, { method: "POST" }),
    onSuccess: (_data, job) => {
      setPending((current) => ({ ...current, [job.name]: job.lastRun?.id ?? null }));
      // A run that never shows up (its start failed: the server log says why) is not waited for forever.
      setTimeout(() => setPending(({ [job.name]: _done, ...rest }) => rest), PENDING_TIMEOUT_MS);
      void queryClient.invalidateQueries({ queryKey: JOBS_KEY });
    },
  });

  const scheduler = overview.data?.scheduler;

  return (
    <div className="grid gap-6">
      <PageHeader title="Jobs" description="The scheduled jobs: when each runs, how its last runs went, and Run now.">
        <RefreshControl fetching={overview.isFetching} onRefresh={() => void overview.refetch()} />
      </PageHeader>

      {scheduler && (
        <Alert data-testid="jobs-scheduler-notice">
          <ClockIcon aria-hidden="true" />
          <AlertTitle>{scheduler.enabled ? "This server runs the schedules" : "This server does not run the schedules"}</AlertTitle>
          <AlertDescription>
            {scheduler.enabled
              ? `Each job runs on its schedule here (SCHEDULER=${scheduler.mode}); with several instances, each slot runs on one of them.`
              : `SCHEDULER=${scheduler.mode}: an outside scheduler (Vercel Cron, a crontab) must call each job's cron route with the CRON_SECRET. Runs it starts show up here.`}
          </AlertDescription>
        </Alert>
      )}

      {overview.isError && (
        <Alert variant="destructive" data-testid="jobs-error">
          <CircleAlertIcon aria-hidden="true" />
          <AlertTitle>Could not load the jobs</AlertTitle>
          <AlertDescription>
            <p>{errorMessage(overview.error)}</p>
            <Button variant="outline" size="sm" className="mt-2" onClick={() => void overview.refetch()}>
              Try again
            </Button>
          </AlertDescription>
        </Alert>
      )}

      {runNow.isError && (
        <Alert variant="destructive" data-testid="jobs-run-error">
          <CircleAlertIcon aria-hidden="true" />
          <AlertTitle>Could not start {runNow.variables?.name}</AlertTitle>
          <AlertDescription>{errorMessage(runNow.error)}</AlertDescription>
        </Alert>
      )}

      {overview.isPending ? (
        <div className="grid gap-4" aria-busy="true" aria-label="Loading jobs">
          {Array.from({ length: 3 }, (_, i) => (
            <Skeleton key={i} className="h-40 rounded-xl" />
          ))}
        </div>
      ) : (
        overview.data && (
          <section aria-label="Jobs" className="grid gap-4">
            {overview.data.jobs.map((job) => (
              <JobCard
                key={job.name}
                job={job}
                canRun={canEdit}
                busy={job.running || waiting(job) || (runNow.isPending && runNow.variables?.name === job.name)}
                onRun={() => runNow.mutate(job)}
              />
            ))}
          </section>
        )
      )}
    </div>
  );
}

function JobCard({ job, canRun, busy, onRun }: { job: JobItem; canRun: boolean; busy: boolean; onRun: () => void }) {
  const last = job.lastRun;
  const figures = reportFigures(last?.figures);
  const lastFailure = job.recentRuns.find((r) => r.status === "failed");
  return (
    <Card className="gap-3 py-4" data-testid={`job-${job.name}`} role="article" aria-label={`${job.name} job`}>
      <CardHeader className="flex flex-wrap items-start justify-between gap-3 px-4">
        <div className="grid min-w-0 gap-1">
          <CardTitle className="font-mono text-base">{job.name}</CardTitle>
          <p className="text-sm text-muted-foreground">{job.description}</p>
        </div>
        {canRun && (
          <Button size="sm" variant="outline" disabled={busy} onClick={onRun} data-testid={`job-run-now-${job.name}`}>
            {busy ? <LoaderCircleIcon aria-hidden="true" className="animate-spin" /> : <PlayIcon aria-hidden="true" />}
            {busy ? "Running…" : "Run now"}
          </Button>
        )}
      </CardHeader>
      <CardContent className="grid gap-3 px-4 text-sm">
        <dl className="grid gap-x-6 gap-y-1 sm:grid-cols-[max-content_1fr]">
          <dt className="text-muted-foreground">Schedule</dt>
          <dd>
            {job.scheduleInWords} <span className="font-mono text-xs text-muted-foreground">({job.schedule})</span>
          </dd>
          <dt className="text-muted-foreground">Next run</dt>
          <dd>
            <RelativeTime value={job.nextRun} fallback="not scheduled" />
          </dd>
          <dt className="text-muted-foreground">Last run</dt>
          <dd className="flex flex-wrap items-center gap-2">
            {last ? (
              <>
                <StatusBadge status={last.status} testId={`job-last-status-${job.name}`} />
                <RelativeTime value={last.startedAt} />
                <span className="text-muted-foreground">
                  {last.status === "running" ? "" : `took ${formatDuration(last.durationMs)} · `}
                  {last.trigger}
                </span>
              </>
            ) : (
              <span className="text-muted-foreground" data-testid={`job-last-status-${job.name}`}>
                never
              </span>
            )}
          </dd>
        </dl>
        {figures.length > 0 && (
          <dl className="flex flex-wrap gap-x-4 gap-y-1 rounded-md bg-muted/50 px-3 py-2 text-xs" data-testid={`job-figures-${job.name}`}>
            {figures.map(([key, value]) => (
              <div key={key} className="flex gap-1">
                <dt className="text-muted-foreground">{key}:</dt>
                <dd className="tabular-nums">{value}</dd>
              </div>
            ))}
          </dl>
        )}
        {job.consecutiveFailures > 0 && (
          <Alert variant="destructive" data-testid={`job-failures-${job.name}`}>
            <CircleAlertIcon aria-hidden="true" />
            <AlertTitle>Failed {job.consecutiveFailures === 1 ? "once" : `${job.consecutiveFailures} times`} in a row</AlertTitle>
            {lastFailure?.error && <AlertDescription className="break-words">{lastFailure.error}</AlertDescription>}
          </Alert>
        )}
        {job.recentRuns.length > 0 && <RecentRuns runs={job.recentRuns} name={job.name} />}
      </CardContent>
    </Card>
  );
}

function RecentRuns({ runs, name }: { runs: JobRun[]; name: string }) {
  return (
    <details className="group">
      <summary className="cursor-pointer text-xs text-muted-foreground select-none">Recent runs ({runs.length})</summary>
      <Table className="mt-2 text-xs" data-testid={`job-runs-${name}`}>
        <TableHeader>
          <TableRow>
            <TableHead>Started</TableHead>
            <TableHead>Trigger</TableHead>
            <TableHead>Result</TableHead>
            <TableHead className="text-right">Duration</TableHead>
            <TableHead>Report or error</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {runs.map((run) => (
            <TableRow key={run.id}>
              <TableCell className="whitespace-nowrap">{formatShortDateTime(new Date(run.startedAt))}</TableCell>
              <TableCell>{run.trigger}</TableCell>
              <TableCell>
                <StatusBadge status={run.status} />
              </TableCell>
              <TableCell className="text-right tabular-nums">{formatDuration(run.durationMs)}</TableCell>
              <TableCell className="max-w-md truncate" title={run.error ?? undefined}>
                {run.error ??
                  reportFigures(run.figures)
                    .map(([k, v]) => `${k}: ${v}`)
                    .join(", ")}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </details>
  );
}
