"use client";

import * as React from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { CircleAlertIcon, LoaderCircleIcon, PlayIcon, Trash2Icon } from "lucide-react";

import { apiFetch, errorMessage } from "@/components/api/client";
import { calendarKeys, useBatchJob, useBatchJobs } from "@/components/calendar/api";
import { ProgressBar } from "@/components/calendar/progress-bar";
import { browserTimeZone, nextHour, toLocalInput } from "@/components/calendar/time-inputs";
import type { BatchJob } from "@/components/calendar/types";
import { RelativeTime } from "@/components/format";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Panel } from "@/components/calendar/panel";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";

const MAX_EVENTS = 2000;

interface Plan {
  title: string;
  count: number;
  first: string;
  durationMinutes: number;
  everyMinutes: number;
}

/** The events a plan describes, as wall-clock times in the browser's zone. */
function eventsOf(plan: Plan) {
  const first = new Date(plan.first);
  return Array.from({ length: plan.count }, (_, i) => {
    const start = new Date(first.getTime() + i * plan.everyMinutes * 60_000);
    const end = new Date(start.getTime() + plan.durationMinutes * 60_000);
    return { summary: `${plan.title} ${i + 1}`, start: toLocalInput(start), end: toLocalInput(end), reference: `batch-${first.getTime()}-${i + 1}` };
  });
}

const STATUS_BADGE: Record<BatchJob["status"], "secondary" | "success" | "destructive" | "outline"> = {
  queued: "outline",
  running: "secondary",
  completed: "success",
  failed: "destructive",
};

export function BatchProgress({ job }: { job: BatchJob }) {
  return (
    <div className="grid gap-2" data-testid="batch-progress" data-status={job.status}>
      <div className="flex items-center justify-between gap-2 text-sm">
        <span>
          <span className="font-medium capitalize">{job.operation}</span> ·{" "}
          <span data-testid="batch-progress-count">
            {job.done} / {job.total}
          </span>
          {job.failed > 0 && <span className="text-destructive"> · {job.failed} failed</span>}
        </span>
        <Badge variant={STATUS_BADGE[job.status]}>{job.status}</Badge>
      </div>
      <ProgressBar done={job.done} total={job.total} failed={job.failed} label={`${job.operation} progress`} />
      <p className="text-xs text-muted-foreground">
        {job.requests} request{job.requests === 1 ? "" : "s"} to the provider
        {job.finishedAt && job.startedAt ? ` · ${((Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000).toFixed(1)} s` : ""}
      </p>
      {job.error && <p className="text-xs text-destructive">{job.error}</p>}
      {job.failures.length > 0 && (
        <ul className="grid max-h-40 gap-1 overflow-auto text-xs" aria-label="Failed items">
          {job.failures.map((f) => (
            <li key={f.position} className="rounded bg-destructive/5 px-2 py-1 text-destructive">
              #{f.position + 1}
              {f.reference ? ` (${f.reference})` : ""}: {f.message}
            </li>
          ))}
          {job.failuresTruncated && <li className="text-muted-foreground">…and more</li>}
        </ul>
      )}
    </div>
  );
}

/** Run a batch (create test events, or delete the ones Plugboard made in a range) and watch it. */
/** `labelOf`: a calendar ref as the picker names it (with the account where a provider has several). */
export function BatchPanel({ calendar, labelOf = (ref) => ref }: { calendar: string; labelOf?: (ref: string) => string }) {
  const queryClient = useQueryClient();
  const [plan, setPlan] = React.useState<Plan>(() => ({ title: "Plugboard test event", count: 20, first: toLocalInput(nextHour(24)), durationMinutes: 30, everyMinutes: 60 }));
  const [range, setRange] = React.useState(() => ({ start: toLocalInput(nextHour(-24 * 30)), end: toLocalInput(nextHour(24 * 60)) }));
  const [jobId, setJobId] = React.useState<string | null>(null);
  const job = useBatchJob(jobId);
  const jobs = useBatchJobs();

  const onStarted = (started: BatchJob) => {
    setJobId(started.id);
    queryClient.setQueryData(calendarKeys.job(started.id), started);
    void queryClient.invalidateQueries({ queryKey: calendarKeys.jobs });
  };
  const create = useMutation({
    mutationFn: () => apiFetch<BatchJob>("/api/calendar/batch", { method: "POST", body: { calendar, timeZone: browserTimeZone(), events: eventsOf(plan) } }),
    onSuccess: onStarted,
  });
  const remove = useMutation({
    mutationFn: () =>
      apiFetch<BatchJob>("/api/calendar/batch", {
        method: "DELETE",
        body: { calendar, range: { start: new Date(range.start).toISOString(), end: new Date(range.end).toISOString() }, scope: "created" },
      }),
    onSuccess: onStarted,
  });

  // When the watched job finishes, the lists that depend on it are stale.
  const finished = job.data && (job.data.status === "completed" || job.data.status === "failed");
  React.useEffect(() => {
    if (!finished) return;
    void queryClient.invalidateQueries({ queryKey: calendarKeys.jobs });
    void queryClient.invalidateQueries({ queryKey: ["calendar", "events"] });
    void queryClient.invalidateQueries({ queryKey: ["calendar", "weeks"] });
  }, [finished, queryClient]);

  const field = (key: keyof Plan) => (e: React.ChangeEvent<HTMLInputElement>) =>
    setPlan((p) => ({ ...p, [key]: e.target.type === "number" ? Number(e.target.value) : e.target.value }));
  const failure = create.error ?? remove.error;

  return (
    <Panel testId="batch-panel" title="Batch" description={`Create up to ${MAX_EVENTS.toLocaleString()} events in one job, or delete the events Plugboard created in a range.`}>
      <form
        className="grid gap-3 sm:grid-cols-2"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <div className="grid gap-1.5 sm:col-span-2">
          <Label htmlFor="batch-title">Title</Label>
          <Input id="batch-title" value={plan.title} onChange={field("title")} required maxLength={200} />
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="batch-count">Events</Label>
          <Input id="batch-count" type="number" min={1} max={MAX_EVENTS} value={plan.count} onChange={field("count")} required />
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="batch-first">First starts</Label>
          <Input id="batch-first" type="datetime-local" value={plan.first} onChange={field("first")} required />
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="batch-duration">Minutes each</Label>
          <Input id="batch-duration" type="number" min={5} max={1440} value={plan.durationMinutes} onChange={field("durationMinutes")} required />
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="batch-every">Every (minutes)</Label>
          <Input id="batch-every" type="number" min={5} max={10080} value={plan.everyMinutes} onChange={field("everyMinutes")} required />
        </div>
        <div className="sm:col-span-2">
          <Button type="submit" disabled={create.isPending || !calendar} data-testid="batch-create">
            {create.isPending ? <LoaderCircleIcon aria-hidden="true" className="animate-spin" /> : <PlayIcon aria-hidden="true" />}
            Create {plan.count > 0 ? plan.count.toLocaleString() : ""} events
          </Button>
        </div>
      </form>

      <form
        className="flex flex-wrap items-end gap-3 border-t pt-4"
        onSubmit={(e) => {
          e.preventDefault();
          remove.mutate();
        }}
      >
        <div className="grid gap-1.5">
          <Label htmlFor="delete-start">Delete created from</Label>
          <Input id="delete-start" type="datetime-local" value={range.start} onChange={(e) => setRange((r) => ({ ...r, start: e.target.value }))} required />
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="delete-end">until</Label>
          <Input id="delete-end" type="datetime-local" value={range.end} onChange={(e) => setRange((r) => ({ ...r, end: e.target.value }))} required />
        </div>
        <Button type="submit" variant="outline" disabled={remove.isPending || !calendar} data-testid="batch-delete">
          {remove.isPending ? <LoaderCircleIcon aria-hidden="true" className="animate-spin" /> : <Trash2Icon aria-hidden="true" />}
          Delete
        </Button>
      </form>

      {failure && (
        <Alert variant="destructive">
          <CircleAlertIcon aria-hidden="true" />
          <AlertTitle>The batch did not start</AlertTitle>
          <AlertDescription>{errorMessage(failure)}</AlertDescription>
        </Alert>
      )}
      <div role="status" aria-live="polite">
        {job.data && <BatchProgress job={job.data} />}
      </div>

      {(jobs.data?.jobs.length ?? 0) > 0 && (
        <div className="grid gap-2 border-t pt-4">
          <h3 className="text-xs font-medium tracking-wide text-muted-foreground uppercase">Recent jobs</h3>
          <ul className="grid gap-1.5 text-xs" data-testid="batch-jobs">
            {jobs.data!.jobs.map((j) => (
              <li key={j.id}>
                <button type="button" className="flex w-full items-center gap-3 rounded-md px-2 py-1 text-left hover:bg-muted" onClick={() => setJobId(j.id)}>
                  <span className="w-14 shrink-0 capitalize">{j.operation}</span>
                  <span className="w-28 shrink-0 truncate text-muted-foreground" title={labelOf(j.calendar)}>
                    {labelOf(j.calendar)}
                  </span>
                  <ProgressBar done={j.done} total={j.total} failed={j.failed} label={`Job ${j.id} progress`} className="h-1.5" />
                  <span className="w-20 shrink-0 text-right tabular-nums">
                    {j.done}/{j.total}
                  </span>
                  <RelativeTime value={j.createdAt} className="w-24 shrink-0 text-right text-muted-foreground" />
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </Panel>
  );
}
