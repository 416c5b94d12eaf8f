// Best-effort delivery right after the response: `after()` runs once the request has finished
// (so the transaction that wrote the outbox rows has committed). Outside a request — CLIs,
// tests — there is no "after", and the cron run (GET /api/cron/webhooks) delivers instead.
import { after } from "next/server";
import { logger } from "@/lib/log";

export interface DeliveryFilter {
  eventIds?: string[];
  deliveryIds?: string[];
  endpointIds?: string[];
}

/** How far ahead an after-response run waits for a due retry (the 5 s step) before leaving it to cron. */
const FOLLOW_UP_WITHIN_MS = 10_000;

export function deliverAfterResponse(filter: DeliveryFilter): void {
  try {
    after(async () => {
      try {
        // Loaded lazily: the engine raises events itself (endpoint.disabled), so a static import would be circular.
        const { deliverDueWebhooks } = await import("@/lib/webhooks-out/deliver");
        await deliverDueWebhooks({ ...filter, followUpWithinMs: FOLLOW_UP_WITHIN_MS });
      } catch (error) {
        logger.warn("webhook delivery after the response failed; the cron run will retry", { error });
      }
    });
  } catch {
    // Not inside a request: nothing to hang it on. The rows are durable; the cron run sends them.
  }
}
