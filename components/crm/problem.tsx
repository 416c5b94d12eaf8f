"use client";

import { CircleAlertIcon } from "lucide-react";

import { errorMessage } from "@/components/api/client";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";

/** A failed request on the Leads, Webinars and Email pages: what failed, and the server's words. */
export function Problem({ title, error, message, testId }: { title: string; error?: unknown; message?: string; testId?: string }) {
  return (
    <Alert variant="destructive" data-testid={testId}>
      <CircleAlertIcon aria-hidden="true" />
      <AlertTitle>{title}</AlertTitle>
      <AlertDescription>
        <p>{message ?? errorMessage(error)}</p>
      </AlertDescription>
    </Alert>
  );
}
