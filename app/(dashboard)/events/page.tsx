import type { Metadata } from "next";
import { Suspense } from "react";

import { InboundEventsView } from "@/components/inbound-events/inbound-events-view";
import { ListPageFallback } from "@/components/list/list-page";

export const metadata: Metadata = { title: "Inbound webhooks · Plugboard" };

export default function InboundEventsPage() {
  return (
    <Suspense fallback={<ListPageFallback />}>
      <InboundEventsView />
    </Suspense>
  );
}
