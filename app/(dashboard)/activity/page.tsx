import type { Metadata } from "next";
import { Suspense } from "react";

import { ActivityView } from "@/components/activity/activity-view";
import { ListPageFallback } from "@/components/list/list-page";

export const metadata: Metadata = { title: "Activity · Plugboard" };

export default function ActivityPage() {
  return (
    <Suspense fallback={<ListPageFallback />}>
      <ActivityView />
    </Suspense>
  );
}
