import type { Metadata } from "next";
import { Suspense } from "react";

import { InboundEventsView } from "@/components/inbound-events/inbound-events-view";
import { Skeleton } from "@/components/ui/skeleton";

export const metadata: Metadata = { title: "Webhooks · Plugboard" };

export default function InboundEventsPage() {
  return (
    // The view reads its filters from the URL (useSearchParams), which needs a Suspense boundary.
    <Suspense
      fallback={
        <div className="grid gap-6">
          <Skeleton className="h-8 w-40" />
          <Skeleton className="h-20 w-full rounded-xl" />
          <Skeleton className="h-96 w-full rounded-xl" />
        </div>
      }
    >
      <InboundEventsView />
    </Suspense>
  );
}
