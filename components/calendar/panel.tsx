import * as React from "react";

import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";

/** One section of the calendar page: a card with a heading, a line of description and content. */
export function Panel({ testId, title, description, children }: { testId: string; title: string; description: React.ReactNode; children: React.ReactNode }) {
  return (
    <Card className="gap-4 py-5" data-testid={testId}>
      <CardHeader className="px-5">
        <CardTitle role="heading" aria-level={2}>
          {title}
        </CardTitle>
        <CardDescription>{description}</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4 px-5">{children}</CardContent>
    </Card>
  );
}
