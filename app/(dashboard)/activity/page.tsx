import type { Metadata } from "next";
import { Suspense } from "react";

import { ActivityView } from "@/components/activity/activity-view";
import { Skeleton } from "@/components/ui/skeleton";

export const metadata: Metadata = { title: "Activity · Plugboard" };

export default function ActivityPage() {
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
      <ActivityView />
    </Suspense>
  );
}
