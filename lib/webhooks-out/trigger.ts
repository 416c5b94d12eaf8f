// Best-effort delivery right after the response (Next's `after()`), for events raised and
// deliveries queued by a request. Events raised inside a transaction are handed over only once it
// has committed (lib/db/after-commit.ts): after-work such as the inbound webhook drain raises
// events itself, and there after() starts at once — before the commit, when the delivery run would
// find nothing due. Outside a request — CLIs, tests — there is no "after", and the cron run
// (GET /api/cron/webhooks) delivers instead.
import { afterCommitCollect } from "@/lib/db/after-commit";
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

const deliverEvents = (eventIds: string[]) => deliverAfterResponse({ eventIds });

/**
 * Sends a just-queued event once the caller's transaction has committed (at once when the caller
 * is not in one); the events of one transaction go out in one delivery run.
 */
export function deliverWhenCommitted(eventId: string): void {
  afterCommitCollect(deliverEvents, eventId);
}
