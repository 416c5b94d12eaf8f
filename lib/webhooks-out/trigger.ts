// Best-effort delivery right after the response: `after()` runs once the request has finished
// (so the transaction that wrote the outbox rows has committed). Outside a request — CLIs,
// tests — there is no "after", and the cron run (GET /api/cron/webhooks) delivers instead.
import { afterResponse } from "@/lib/http/after-response";

export interface DeliveryFilter {
  eventIds?: string[];
  deliveryIds?: string[];
  endpointIds?: string[];
}

/** How far ahead an after-response run waits for a due retry (the 5 s step) before leaving it to cron. */
const FOLLOW_UP_WITHIN_MS = 10_000;

export function deliverAfterResponse(filter: DeliveryFilter): void {
  // Not inside a request (CLIs, tests): the rows are durable and the cron run sends them.
  void afterResponse(
    async () => {
      // Loaded lazily: the engine raises events itself (endpoint.disabled), so a static import would be circular.
      const { deliverDueWebhooks } = await import("@/lib/webhooks-out/deliver");
      await deliverDueWebhooks({ ...filter, followUpWithinMs: FOLLOW_UP_WITHIN_MS });
    },
    "skip",
    "webhook delivery after the response",
  );
}
