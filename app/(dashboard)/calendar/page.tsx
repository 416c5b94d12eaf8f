import type { Metadata } from "next";
import { Suspense } from "react";

import { CalendarDashboard } from "@/components/calendar/calendar-dashboard";
import { Skeleton } from "@/components/ui/skeleton";

export const metadata: Metadata = { title: "Calendar · Plugboard" };

export default function CalendarPage() {
  return (
    // The dashboard reads the chosen calendar from the URL (useSearchParams): it needs a Suspense boundary.
    <Suspense
      fallback={
        <div className="grid gap-6">
          <Skeleton className="h-8 w-40" />
          <Skeleton className="h-64 w-full rounded-xl" />
        </div>
      }
    >
      <CalendarDashboard />
    </Suspense>
  );
}
