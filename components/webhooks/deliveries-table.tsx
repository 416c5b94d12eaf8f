"use client";

import * as React from "react";
import { ChevronDownIcon, ChevronLeftIcon, ChevronRightIcon, ChevronRightIcon as Collapsed, LoaderCircleIcon, RotateCcwIcon } from "lucide-react";

import { errorMessage } from "@/components/api/client";
import { RelativeTime, formatShortDateTime } from "@/components/format";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { NativeSelect, NativeSelectOption } from "@/components/ui/select";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useDeliveries, useDelivery, useResendDelivery, useResendFailed, type Delivery, type Endpoint } from "@/components/webhooks/api";
import { attemptSummary, DeliveryStatusBadge } from "@/components/webhooks/status";
import { cn } from "@/lib/utils";

const PAGE_SIZE = 20;

/** The endpoint's deliveries, newest first; a row opens to show every attempt and the body sent. */
export function DeliveriesPanel({ endpoint, canEdit }: { endpoint: Endpoint; canEdit: boolean }) {
  const [status, setStatus] = React.useState("");
  const [page, setPage] = React.useState(1);
  const [open, setOpen] = React.useState<string | null>(null);
  const params: Record<string, string> = { page: String(page), pageSize: String(PAGE_SIZE), ...(status ? { status } : {}) };
  const deliveries = useDeliveries(endpoint.id, params);
  const data = deliveries.data;
  const pageCount = Math.max(1, Math.ceil((data?.total ?? 0) / PAGE_SIZE));

  return (
    <section className="grid gap-3" aria-labelledby="deliveries-heading">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h2 id="deliveries-heading" className="text-lg font-semibold">
          Deliveries
        </h2>
        <div className="flex flex-wrap items-end gap-3">
          <div className="grid gap-1.5">
            <Label htmlFor="delivery-status">Status</Label>
            <NativeSelect
              id="delivery-status"
              size="sm"
              value={status}
              onChange={(e) => {
                setStatus(e.target.value);
                setPage(1);
              }}
            >
              <NativeSelectOption value="">All</NativeSelectOption>
              <NativeSelectOption value="pending">Queued or retrying</NativeSelectOption>
              <NativeSelectOption value="succeeded">Delivered</NativeSelectOption>
              <NativeSelectOption value="failed">Failed</NativeSelectOption>
            </NativeSelect>
          </div>
          {canEdit && <ResendFailedForm endpoint={endpoint} />}
        </div>
      </div>

      {deliveries.isError && (
        <Alert variant="destructive">
          <AlertDescription>
            <p>{errorMessage(deliveries.error)}</p>
          </AlertDescription>
        </Alert>
      )}

      <div className="overflow-hidden rounded-xl border bg-card shadow-xs">
        <Table aria-label="Deliveries" data-testid="webhook-deliveries">
          <TableHeader className="bg-muted/40">
            <TableRow className="hover:bg-transparent">
              <TableHead className="w-8 pl-4" />
              <TableHead>Raised</TableHead>
              <TableHead>Event</TableHead>
              <TableHead>Status</TableHead>
              <TableHead className="text-right">Attempts</TableHead>
              <TableHead>Last answer</TableHead>
              <TableHead className="pr-4">Next attempt</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody className={cn(deliveries.isPlaceholderData && "opacity-60")}>
            {deliveries.isPending ? (
              Array.from({ length: 4 }, (_, i) => (
                <TableRow key={i} className="hover:bg-transparent">
                  <TableCell colSpan={7} className="px-4">
                    <Skeleton className="h-4 w-full" />
                  </TableCell>
                </TableRow>
              ))
            ) : !data?.items.length ? (
              <TableRow className="hover:bg-transparent">
                <TableCell colSpan={7} className="py-10 text-center text-sm whitespace-normal text-muted-foreground">
                  {status ? "No deliveries with this status." : "No deliveries yet. Send a test to see one."}
                </TableCell>
              </TableRow>
            ) : (
              data.items.map((delivery) => (
                <DeliveryRows
                  key={delivery.id}
                  endpoint={endpoint}
                  delivery={delivery}
                  open={open === delivery.id}
                  onToggle={() => setOpen((o) => (o === delivery.id ? null : delivery.id))}
                  canEdit={canEdit}
                />
              ))
            )}
          </TableBody>
        </Table>
      </div>
      <nav aria-label="Deliveries pages" className="flex items-center justify-end gap-2 text-sm">
        <span className="text-muted-foreground tabular-nums">
          Page {page} of {pageCount} · {(data?.total ?? 0).toLocaleString()} deliveries
        </span>
        <Button variant="outline" size="icon" className="size-8" aria-label="Previous page" disabled={page <= 1} onClick={() => setPage(page - 1)}>
          <ChevronLeftIcon aria-hidden="true" />
        </Button>
        <Button variant="outline" size="icon" className="size-8" aria-label="Next page" disabled={page >= pageCount} onClick={() => setPage(page + 1)}>
          <ChevronRightIcon aria-hidden="true" />
        </Button>
      </nav>
    </section>
  );
}

function DeliveryRows({ endpoint, delivery, open, onToggle, canEdit }: { endpoint: Endpoint; delivery: Delivery; open: boolean; onToggle: () => void; canEdit: boolean }) {
  const last = delivery.attempts.at(-1);
  return (
    <>
      <TableRow data-testid="webhook-delivery-row" data-status={delivery.status} className="cursor-pointer" onClick={onToggle}>
        <TableCell className="pl-4">
          <Button
            variant="ghost"
            size="icon"
            className="size-6"
            aria-expanded={open}
            aria-label={open ? "Hide attempts" : "Show attempts"}
            onClick={(e) => (e.stopPropagation(), onToggle())}
          >
            {open ? <ChevronDownIcon aria-hidden="true" /> : <Collapsed aria-hidden="true" />}
          </Button>
        </TableCell>
        <TableCell>
          <RelativeTime value={delivery.createdAt} />
        </TableCell>
        <TableCell>
          <code className="text-xs">{delivery.eventType}</code>
        </TableCell>
        <TableCell>
          <DeliveryStatusBadge delivery={delivery} />
        </TableCell>
        <TableCell className="text-right tabular-nums">{delivery.attemptCount}</TableCell>
        <TableCell className="max-w-72 truncate text-sm" title={last ? attemptSummary(last) : undefined}>
          {last ? attemptSummary(last) : "—"}
        </TableCell>
        <TableCell className="pr-4">{delivery.status === "pending" && delivery.nextAttemptAt ? <RelativeTime value={delivery.nextAttemptAt} /> : "—"}</TableCell>
      </TableRow>
      {open && (
        <TableRow className="bg-muted/20 hover:bg-muted/20">
          <TableCell colSpan={7} className="px-4 py-3 whitespace-normal">
            <DeliveryDetail endpoint={endpoint} deliveryId={delivery.id} canEdit={canEdit} />
          </TableCell>
        </TableRow>
      )}
    </>
  );
}

function DeliveryDetail({ endpoint, deliveryId, canEdit }: { endpoint: Endpoint; deliveryId: string; canEdit: boolean }) {
  const detail = useDelivery(endpoint.id, deliveryId, true);
  const resend = useResendDelivery(endpoint.id);
  if (detail.isPending) return <Skeleton className="h-16 w-full" />;
  if (detail.isError) return <p className="text-sm text-destructive">{errorMessage(detail.error)}</p>;
  const delivery = detail.data;
  return (
    <div className="grid gap-3" data-testid="webhook-delivery-detail">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-xs text-muted-foreground">
          Message <code>{delivery.eventId}</code>
        </p>
        {canEdit && (
          <Button
            size="sm"
            variant="outline"
            disabled={resend.isPending || endpoint.status !== "active"}
            onClick={() => resend.mutate(delivery.id, { onSettled: () => void detail.refetch() })}
          >
            {resend.isPending ? <LoaderCircleIcon aria-hidden="true" className="animate-spin" /> : <RotateCcwIcon aria-hidden="true" />}
            Resend now
          </Button>
        )}
      </div>
      {resend.isError && <p className="text-sm text-destructive">{errorMessage(resend.error)}</p>}
      {delivery.attempts.length === 0 ? (
        <p className="text-sm text-muted-foreground">{delivery.lastError ?? "Not attempted yet."}</p>
      ) : (
        <ol className="grid gap-2" aria-label="Attempts">
          {delivery.attempts.map((attempt) => (
            <li key={attempt.id} className="grid gap-1 rounded-md border bg-background p-2 text-sm" data-testid="webhook-attempt">
              <div className="flex flex-wrap items-center gap-x-4 gap-y-1">
                <span className="font-medium">#{attempt.attemptNumber}</span>
                <span title={new Date(attempt.startedAt).toISOString()}>{formatShortDateTime(new Date(attempt.startedAt))}</span>
                <span className={attempt.ok ? "text-[color-mix(in_oklch,var(--success)_75%,black)]" : "text-destructive"}>{attempt.statusCode ?? "no answer"}</span>
                <span className="text-muted-foreground tabular-nums">{attempt.durationMs} ms</span>
                {attempt.error && <span className="text-destructive">{attempt.error}</span>}
              </div>
              {attempt.responseBody ? <pre className="max-h-40 overflow-auto rounded bg-muted/50 p-2 font-mono text-xs whitespace-pre-wrap">{attempt.responseBody}</pre> : null}
            </li>
          ))}
        </ol>
      )}
      {delivery.payload && (
        <details>
          <summary className="cursor-pointer text-xs text-muted-foreground">Body sent</summary>
          <pre className="mt-1 max-h-48 overflow-auto rounded bg-muted/50 p-2 font-mono text-xs whitespace-pre-wrap">{prettyJson(delivery.payload)}</pre>
        </details>
      )}
    </div>
  );
}

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** "Resend failures since …": every failed delivery raised since then gets one more attempt. */
function ResendFailedForm({ endpoint }: { endpoint: Endpoint }) {
  const resend = useResendFailed(endpoint.id);
  const [since, setSince] = React.useState(() => toLocalInput(new Date(Date.now() - 24 * 3600_000)));
  return (
    <form
      className="flex items-end gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        const at = new Date(since);
        if (!Number.isNaN(at.getTime())) resend.mutate(at.toISOString());
      }}
    >
      <div className="grid gap-1.5">
        <Label htmlFor="resend-since">Failed since</Label>
        <Input id="resend-since" type="datetime-local" className="h-8 w-52" value={since} onChange={(e) => setSince(e.target.value)} />
      </div>
      <Button type="submit" size="sm" variant="outline" disabled={resend.isPending || endpoint.status === "disabled"}>
        {resend.isPending ? <LoaderCircleIcon aria-hidden="true" className="animate-spin" /> : <RotateCcwIcon aria-hidden="true" />}
        Resend failures
      </Button>
      <span className="sr-only" aria-live="polite">
        {resend.data ? `${resend.data.queued} queued` : ""}
      </span>
      {resend.data && (
        <span className="text-sm text-muted-foreground" data-testid="resend-failed-result">
          {resend.data.queued === 0 ? "No failed deliveries since then" : `${resend.data.queued} queued`}
        </span>
      )}
      {resend.isError && <span className="text-sm text-destructive">{errorMessage(resend.error)}</span>}
    </form>
  );
}

function toLocalInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
