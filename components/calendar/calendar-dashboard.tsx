"use client";

import * as React from "react";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { CalendarOffIcon, CircleAlertIcon, EyeIcon, RefreshCwIcon, VideoIcon } from "lucide-react";

import { apiFetch, errorMessage } from "@/components/api/client";
import { calendarKeys, useCalendars, useNextEvents, useSyncStatus } from "@/components/calendar/api";
import { RangeCheck, WeeksGrid } from "@/components/calendar/availability-panel";
import { BatchPanel } from "@/components/calendar/batch-panel";
import { formatTimeRange } from "@/components/calendar/time-inputs";
import { calendarOptions, syncAccountLabel, syncEntryFor } from "@/components/calendar/options";
import type { SyncResponse } from "@/components/calendar/types";
import { RelativeTime } from "@/components/format";
import { useCurrentUser } from "@/components/shell/use-current-user";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Panel } from "@/components/calendar/panel";
import { Card } from "@/components/ui/card";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Label } from "@/components/ui/label";
import { NativeSelect, NativeSelectOption } from "@/components/ui/select";
import { Skeleton } from "@/components/ui/skeleton";
import { cn } from "@/lib/utils";

export function CalendarDashboard() {
  const { canEdit, user } = useCurrentUser();
  const calendars = useCalendars();
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();

  const options = React.useMemo(() => calendarOptions(calendars.data?.providers ?? []), [calendars.data]);
  const labelOf = React.useCallback((ref: string) => options.find((o) => o.ref === ref)?.label ?? ref, [options]);
  // Each calendar provider once, for "Connect … on the Integrations page".
  const providerNames = [...new Set((calendars.data?.providers ?? []).map((p) => p.name))];
  const requested = params.get("calendar");
  const calendar = options.find((o) => o.ref === requested)?.ref ?? options[0]?.ref ?? "";
  const choose = (ref: string) => router.replace(`${pathname}?${new URLSearchParams({ calendar: ref })}`, { scroll: false });

  return (
    <div className="grid gap-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div className="grid gap-1">
          <h1 className="text-2xl font-semibold tracking-tight">Calendar</h1>
          <p className="text-sm text-muted-foreground">Availability, upcoming events and batch jobs for your connected calendars.</p>
        </div>
        {user && !canEdit && (
          <Badge variant="outline" title="Ask an admin to run batches or syncs">
            <EyeIcon aria-hidden="true" />
            Read-only
          </Badge>
        )}
      </div>

      {calendars.isPending ? (
        <Skeleton className="h-24 w-full rounded-xl" />
      ) : calendars.isError ? (
        <Alert variant="destructive">
          <CircleAlertIcon aria-hidden="true" />
          <AlertTitle>Could not load the calendars</AlertTitle>
          <AlertDescription>{errorMessage(calendars.error)}</AlertDescription>
        </Alert>
      ) : (
        <>
          <ProviderNotes providers={calendars.data.providers} />
          {options.length === 0 ? (
            <Card className="items-center gap-3 py-10 text-center" data-testid="no-calendars">
              <CalendarOffIcon aria-hidden="true" className="size-8 text-muted-foreground" />
              <p className="font-medium">No calendar is connected</p>
              <p className="text-sm text-muted-foreground">
                Connect {providerNames.length ? providerNames.join(" or ") : "a calendar"} on the{" "}
                <Link className="underline" href="/integrations">
                  Integrations
                </Link>{" "}
                page.
              </p>
            </Card>
          ) : (
            <>
              <div className="flex flex-wrap items-end justify-between gap-3">
                <div className="grid gap-1.5">
                  <Label htmlFor="calendar-choice">Calendar</Label>
                  <NativeSelect id="calendar-choice" value={calendar} onChange={(e) => choose(e.target.value)} wrapperClassName="min-w-72">
                    {options.map((o) => (
                      <NativeSelectOption key={o.ref} value={o.ref}>
                        {o.label}
                      </NativeSelectOption>
                    ))}
                  </NativeSelect>
                </div>
                <SyncControl calendar={calendar} canEdit={canEdit} />
              </div>
              <div className="grid items-start gap-4 lg:grid-cols-2">
                <div className="grid gap-4">
                  <RangeCheck key={calendar} calendar={calendar} />
                  <NextEvents calendar={calendar} />
                </div>
                <div className="grid gap-4">
                  <WeeksGrid calendar={calendar} />
                  {canEdit && <BatchPanel calendar={calendar} labelOf={labelOf} />}
                </div>
              </div>
            </>
          )}
        </>
      )}
    </div>
  );
}

function ProviderNotes({ providers }: { providers: { providerId: string; connectionId: string | null; accountLabel: string | null; connected: boolean; message?: string }[] }) {
  const problems = providers.filter((p) => p.connected && p.message);
  if (!problems.length) return null;
  return (
    <Alert variant="destructive">
      <CircleAlertIcon aria-hidden="true" />
      <AlertTitle>Some calendars could not be listed</AlertTitle>
      <AlertDescription>
        {problems.map((p) => (
          // One note per account: name it, since two accounts of a provider say the same sentence.
          <p key={p.connectionId ?? p.providerId}>
            {p.accountLabel && <span className="font-medium">{p.accountLabel}: </span>}
            {p.message}
          </p>
        ))}
      </AlertDescription>
    </Alert>
  );
}

function SyncControl({ calendar, canEdit }: { calendar: string; canEdit: boolean }) {
  const status = useSyncStatus();
  const queryClient = useQueryClient();
  const entries = status.data?.providers ?? [];
  // The picked calendar's account: refs name their connection where a provider has several.
  const provider = syncEntryFor(calendar, entries);
  const account = syncAccountLabel(provider, entries);
  const sync = useMutation({
    mutationFn: () => apiFetch<SyncResponse & { results: { calendars: { ok: boolean; message?: string }[] }[] }>("/api/calendar/sync", { method: "POST", body: { calendar } }),
    onSuccess: (data) => {
      queryClient.setQueryData(calendarKeys.sync, { providers: data.providers });
      void queryClient.invalidateQueries({ queryKey: ["calendar", "events"] });
    },
  });
  const failed = sync.data?.results.flatMap((r) => r.calendars).find((c) => !c.ok);

  return (
    <div className="flex flex-wrap items-center gap-3 text-xs text-muted-foreground" data-testid="sync-status">
      {account && (
        <span className="font-medium text-foreground" data-testid="sync-account">
          {account}
        </span>
      )}
      {provider?.usage && <span data-testid="sync-usage">{provider.usage}</span>}
      <span>
        Synced <RelativeTime value={provider?.lastSyncAt} />
      </span>
      {canEdit && (
        <Button variant="outline" size="sm" onClick={() => sync.mutate()} disabled={sync.isPending} data-testid="sync-now">
          <RefreshCwIcon aria-hidden="true" className={cn(sync.isPending && "animate-spin")} />
          Sync now
        </Button>
      )}
      {(sync.isError || failed) && <span className="text-destructive">{sync.isError ? errorMessage(sync.error) : failed?.message}</span>}
    </div>
  );
}

function NextEvents({ calendar }: { calendar: string }) {
  const events = useNextEvents(calendar);
  return (
    <Panel testId="next-events" title="Next events" description="From Plugboard's copy of the calendar (bookings, batches and the last sync).">
      {events.isPending ? (
        <Skeleton className="h-24 w-full" />
      ) : events.isError ? (
        <p className="text-sm text-destructive">{errorMessage(events.error)}</p>
      ) : events.data.events.length === 0 ? (
        <p className="text-sm text-muted-foreground">No upcoming events known yet. Run a sync to bring them in.</p>
      ) : (
        <ul className="grid gap-1.5 text-sm">
          {events.data.events.map((e) => (
            <li key={e.eventId} className="flex items-center justify-between gap-3 rounded-md bg-muted/50 px-3 py-1.5">
              <span className="flex min-w-0 items-center gap-1.5">
                {e.meetingUrl && <VideoIcon aria-label="Video meeting" className="size-3.5 shrink-0 text-muted-foreground" />}
                <span className="truncate">{e.summary ?? "(no title)"}</span>
                {e.source !== "sync" && (
                  <Badge variant="outline" className="text-[10px]">
                    {e.source}
                  </Badge>
                )}
              </span>
              <span className="shrink-0 text-xs text-muted-foreground">{formatTimeRange(e.start, e.end, e.allDay)}</span>
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}
