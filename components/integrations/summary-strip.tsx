import { CircleAlertIcon, CircleCheckIcon, CircleDashedIcon } from "lucide-react";

import { cn } from "@/lib/utils";

/** Connections by state (a provider with several accounts counts each), and providers with none. */
export interface SummaryCounts {
  active: number;
  error: number;
  notConnected: number;
}

const ITEMS = [
  {
    key: "active",
    label: "Active",
    hint: "Connected accounts that are healthy",
    icon: CircleCheckIcon,
    tone: "text-[color-mix(in_oklch,var(--success)_75%,black)] bg-success/10",
  },
  {
    key: "error",
    label: "Need attention",
    hint: "Accounts with errors or expired credentials",
    icon: CircleAlertIcon,
    tone: "text-destructive bg-destructive/10",
  },
  {
    key: "notConnected",
    label: "Not connected",
    hint: "Providers with no account connected",
    icon: CircleDashedIcon,
    tone: "text-muted-foreground bg-muted",
  },
] as const;

export function SummaryStrip({ counts, loading }: { counts: SummaryCounts; loading?: boolean }) {
  return (
    <section aria-label="Summary" className="grid grid-cols-3 gap-2 sm:gap-3">
      {ITEMS.map(({ key, label, hint, icon: Icon, tone }) => (
        <div key={key} data-testid={`summary-${key}`} className="flex min-w-0 items-center gap-3 rounded-xl border bg-card px-3 py-2.5 shadow-xs sm:px-4 sm:py-3">
          <span className={cn("hidden size-9 shrink-0 items-center justify-center rounded-lg sm:flex", tone)}>
            <Icon aria-hidden="true" className="size-4.5" />
          </span>
          <div className="min-w-0">
            <p className="text-2xl leading-tight font-semibold tabular-nums" aria-describedby={`summary-${key}-label`}>
              {loading ? <span className="text-muted-foreground">–</span> : counts[key]}
            </p>
            <p id={`summary-${key}-label`} className="truncate text-xs text-muted-foreground" title={hint}>
              {label}
            </p>
          </div>
        </div>
      ))}
    </section>
  );
}
