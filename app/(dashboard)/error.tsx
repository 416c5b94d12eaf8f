"use client";

import { CircleAlertIcon } from "lucide-react";

import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";

export default function DashboardError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <Alert variant="destructive">
      <CircleAlertIcon aria-hidden="true" />
      <AlertTitle>This page failed to load</AlertTitle>
      <AlertDescription>
        <p>Something went wrong while showing this page{error.digest ? ` (reference ${error.digest})` : ""}.</p>
        <Button variant="outline" size="sm" className="mt-2" onClick={reset}>
          Try again
        </Button>
      </AlertDescription>
    </Alert>
  );
}
