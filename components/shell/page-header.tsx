"use client";

import * as React from "react";
import { RefreshCwIcon } from "lucide-react";

import { RelativeTime } from "@/components/format";
import { Button } from "@/components/ui/button";
import { cn } from "@/lib/utils";

/** A dashboard page's title and one-line description, with its controls on the right. */
export function PageHeader({ title, description, children }: { title: string; description: React.ReactNode; children?: React.ReactNode }) {
  return (
    <div className="flex flex-wrap items-end justify-between gap-4">
      <div className="grid gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
        <p className="text-sm text-muted-foreground">{description}</p>
      </div>
      {children && <div className="flex items-center gap-2 text-xs text-muted-foreground">{children}</div>}
    </div>
  );
}

/** A refresh button that spins while fetching. */
export function RefreshButton({ fetching, onClick }: { fetching: boolean; onClick: () => void }) {
  return (
    <Button variant="ghost" size="icon" className="size-8" aria-label="Refresh" title="Refresh" disabled={fetching} onClick={onClick}>
      <RefreshCwIcon aria-hidden="true" className={cn(fetching && "animate-spin")} />
    </Button>
  );
}

/** "Updated 5 minutes ago" (when known) and the refresh button. */
export function RefreshControl({ updatedAt, fetching, onRefresh }: { updatedAt?: string | null; fetching: boolean; onRefresh: () => void }) {
  return (
    <>
      {updatedAt && (
        <span>
          Updated <RelativeTime value={updatedAt} />
        </span>
      )}
      <RefreshButton fetching={fetching} onClick={onRefresh} />
    </>
  );
}
