"use client";

import { Badge } from "@/components/ui/badge";
import type { Attempt, Delivery, Endpoint, EndpointStatus } from "@/components/webhooks/api";
import { ALL_EVENTS } from "@/components/webhooks/api";

const ENDPOINT_STATUS: Record<EndpointStatus, { label: string; variant: "success" | "warning" | "destructive" }> = {
  active: { label: "Active", variant: "success" },
  paused: { label: "Paused", variant: "warning" },
  disabled: { label: "Disabled", variant: "destructive" },
};

export function EndpointStatusBadge({ endpoint }: { endpoint: Pick<Endpoint, "id" | "status" | "disabledReason"> }) {
  const s = ENDPOINT_STATUS[endpoint.status];
  return (
    <Badge variant={s.variant} data-testid={`webhook-status-${endpoint.id}`} title={endpoint.disabledReason ?? undefined}>
      {s.label}
    </Badge>
  );
}

const DELIVERY_STATUS: Record<Delivery["status"], { label: string; variant: "success" | "warning" | "destructive" }> = {
  succeeded: { label: "Delivered", variant: "success" },
  pending: { label: "Retrying", variant: "warning" },
  failed: { label: "Failed", variant: "destructive" },
};

export function DeliveryStatusBadge({ delivery }: { delivery: Pick<Delivery, "status" | "attemptCount"> }) {
  const s = DELIVERY_STATUS[delivery.status];
  // A pending delivery nobody has tried yet is queued, not retrying.
  const label = delivery.status === "pending" && delivery.attemptCount === 0 ? "Queued" : s.label;
  return <Badge variant={s.variant}>{label}</Badge>;
}

/** "200 · 35 ms", "Timed out after 15000 ms" … in a few words. */
export function attemptSummary(attempt: Pick<Attempt, "ok" | "statusCode" | "durationMs" | "error">): string {
  if (attempt.ok) return `${attempt.statusCode} · ${attempt.durationMs} ms`;
  return attempt.error ?? (attempt.statusCode ? `Answered ${attempt.statusCode}` : "Failed");
}

export function eventsSummary(events: string[]): string {
  if (events.includes(ALL_EVENTS)) return "All events";
  if (events.length <= 3) return events.join(", ");
  return `${events.slice(0, 2).join(", ")} and ${events.length - 2} more`;
}
