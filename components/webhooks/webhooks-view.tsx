"use client";

import * as React from "react";
import Link from "next/link";
import { CircleAlertIcon, EyeIcon, PlusIcon, WebhookIcon } from "lucide-react";

import { errorMessage } from "@/components/api/client";
import { RelativeTime, useNow } from "@/components/format";
import { useCurrentUser } from "@/components/shell/use-current-user";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { useEndpoints, type Endpoint, type EndpointWithSecret } from "@/components/webhooks/api";
import { EndpointDialog } from "@/components/webhooks/endpoint-dialog";
import { SecretDialog } from "@/components/webhooks/secret-dialog";
import { failingNote } from "@/components/webhooks/state";
import { EndpointStatusBadge, eventsSummary } from "@/components/webhooks/status";
import { useRouter } from "next/navigation";

/** The Webhooks page: the workspace's endpoints with their health at a glance. */
export function WebhooksView() {
  const { canEdit } = useCurrentUser();
  const router = useRouter();
  const list = useEndpoints();
  const [adding, setAdding] = React.useState(false);
  const [created, setCreated] = React.useState<EndpointWithSecret | null>(null);
  const endpoints = list.data?.endpoints ?? [];

  return (
    <div className="grid gap-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div className="grid gap-1">
          <h1 className="text-2xl font-semibold tracking-tight">Webhooks</h1>
          <p className="text-sm text-muted-foreground">Send Plugboard&apos;s events to your own endpoints, signed and retried.</p>
        </div>
        {canEdit ? (
          <Button onClick={() => setAdding(true)} disabled={!list.data}>
            <PlusIcon aria-hidden="true" />
            Add endpoint
          </Button>
        ) : (
          <Badge variant="outline">
            <EyeIcon aria-hidden="true" />
            Read-only
          </Badge>
        )}
      </div>

      {list.isError && (
        <Alert variant="destructive">
          <CircleAlertIcon aria-hidden="true" />
          <AlertTitle>Could not load the endpoints</AlertTitle>
          <AlertDescription>
            <p>{errorMessage(list.error)}</p>
          </AlertDescription>
        </Alert>
      )}

      {list.isPending ? (
        <div className="grid gap-3">
          {Array.from({ length: 3 }, (_, i) => (
            <Skeleton key={i} className="h-28 w-full rounded-xl" />
          ))}
        </div>
      ) : endpoints.length === 0 && !list.isError ? (
        <div className="flex flex-col items-center gap-2 rounded-xl border bg-card py-16 text-center" data-testid="webhooks-empty">
          <WebhookIcon aria-hidden="true" className="size-8 text-muted-foreground" />
          <p className="font-medium">No webhook endpoints yet</p>
          <p className="max-w-md text-sm text-muted-foreground">Add an endpoint to receive events such as a connection failing, a booking created or a payment succeeding.</p>
        </div>
      ) : (
        <ul className="grid gap-3" aria-label="Webhook endpoints">
          {endpoints.map((endpoint) => (
            <EndpointRow key={endpoint.id} endpoint={endpoint} />
          ))}
        </ul>
      )}

      <EndpointDialog open={adding} onOpenChange={setAdding} catalog={list.data?.catalog ?? []} onCreated={setCreated} />
      <SecretDialog
        secret={created?.secret ?? null}
        rotated={false}
        onClose={() => {
          const id = created?.endpoint.id;
          setCreated(null);
          if (id) router.push(`/webhooks/${encodeURIComponent(id)}`);
        }}
      />
    </div>
  );
}

function EndpointRow({ endpoint }: { endpoint: Endpoint }) {
  const { stats } = endpoint;
  const now = useNow();
  const failing = now === null ? null : failingNote(endpoint, now);
  const successRate = stats.succeeded + stats.failed > 0 ? Math.round((stats.succeeded / (stats.succeeded + stats.failed)) * 100) : null;
  return (
    <li className="rounded-xl border bg-card p-4 shadow-xs" data-testid={`webhook-endpoint-${endpoint.id}`}>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="grid min-w-0 gap-1">
          <div className="flex items-center gap-2">
            <Link href={`/webhooks/${encodeURIComponent(endpoint.id)}`} className="truncate font-medium hover:underline">
              {endpoint.name}
            </Link>
            <EndpointStatusBadge endpoint={endpoint} />
          </div>
          <p className="truncate font-mono text-xs text-muted-foreground" title={endpoint.url}>
            {endpoint.url}
          </p>
          <p className="text-xs text-muted-foreground">{eventsSummary(endpoint.events)}</p>
          {endpoint.status === "disabled" && endpoint.disabledReason && (
            <p className="text-xs font-medium text-destructive">
              Disabled: {endpoint.disabledReason}
              {endpoint.stats.pending ? ` (${endpoint.stats.pending.toLocaleString()} waiting)` : ""}
            </p>
          )}
          {failing && <p className="text-xs font-medium text-[color-mix(in_oklch,var(--warning)_50%,black)]">Failing: {failing.short}</p>}
        </div>
        <dl className="grid grid-cols-4 gap-4 text-right text-sm" data-testid={`webhook-stats-${endpoint.id}`}>
          <Stat label="Deliveries" value={stats.total.toLocaleString()} />
          <Stat label="Delivered" value={stats.succeeded.toLocaleString()} />
          <Stat label="Failed" value={stats.failed.toLocaleString()} tone={stats.failed ? "bad" : undefined} />
          <div className="grid gap-0.5">
            <dt className="text-xs text-muted-foreground">Last attempt</dt>
            <dd>
              <RelativeTime value={stats.lastAttemptAt} />
              {successRate !== null && <span className="block text-xs text-muted-foreground">{successRate}% delivered</span>}
            </dd>
          </div>
        </dl>
      </div>
    </li>
  );
}

export function Stat({ label, value, tone }: { label: string; value: string; tone?: "bad" }) {
  return (
    <div className="grid gap-0.5">
      <dt className="text-xs text-muted-foreground">{label}</dt>
      <dd className={tone === "bad" ? "font-medium text-destructive tabular-nums" : "font-medium tabular-nums"}>{value}</dd>
    </div>
  );
}
