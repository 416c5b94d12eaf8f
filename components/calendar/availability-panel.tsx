"use client";

import * as React from "react";
import { useMutation } from "@tanstack/react-query";
import { CalendarCheckIcon, CalendarXIcon, CircleAlertIcon, InfoIcon, LoaderCircleIcon } from "lucide-react";

import { apiFetch, errorMessage } from "@/components/api/client";
import { useWeeks } from "@/components/calendar/api";
import { browserTimeZone, formatTimeRange, nextHour, toLocalInput } from "@/components/calendar/time-inputs";
import type { Availability, CalendarWeeks, DayAvailability } from "@/components/calendar/types";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Panel } from "@/components/calendar/panel";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { NativeSelect, NativeSelectOption } from "@/components/ui/select";
import { Skeleton } from "@/components/ui/skeleton";
import { cn } from "@/lib/utils";

/** "Is the calendar free between these two times?" — conflicts, or the fail-open note. Keyed by calendar. */
export function RangeCheck({ calendar }: { calendar: string }) {
  const [start, setStart] = React.useState(() => toLocalInput(nextHour(24)));
  const [end, setEnd] = React.useState(() => toLocalInput(nextHour(25)));
  const check = useMutation({
    mutationFn: () => apiFetch<Availability>(`/api/calendar/availability?${new URLSearchParams({ calendar, start, end, timeZone: browserTimeZone() })}`),
  });
  const result = check.data;

  return (
    <Panel testId="availability-check" title="Check availability" description={`Events in the calendar that overlap a time range (${browserTimeZone()}).`}>
      <form
        className="flex flex-wrap items-end gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          check.mutate();
        }}
      >
        <div className="grid gap-1.5">
          <Label htmlFor="availability-start">From</Label>
          <Input id="availability-start" type="datetime-local" value={start} onChange={(e) => setStart(e.target.value)} required />
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="availability-end">To</Label>
          <Input id="availability-end" type="datetime-local" value={end} onChange={(e) => setEnd(e.target.value)} required />
        </div>
        <Button type="submit" disabled={check.isPending || !calendar}>
          {check.isPending && <LoaderCircleIcon aria-hidden="true" className="animate-spin" />}
          Check
        </Button>
      </form>

      <div role="status" aria-live="polite" data-testid="availability-result">
        {check.isError && (
          <Alert variant="destructive">
            <CircleAlertIcon aria-hidden="true" />
            <AlertTitle>Could not check</AlertTitle>
            <AlertDescription>{errorMessage(check.error)}</AlertDescription>
          </Alert>
        )}
        {result && (
          <div className="grid gap-2">
            <div className="flex items-center gap-2">
              {result.available ? (
                <Badge variant="success" data-testid="availability-verdict">
                  <CalendarCheckIcon aria-hidden="true" />
                  Available
                </Badge>
              ) : (
                <Badge variant="destructive" data-testid="availability-verdict">
                  <CalendarXIcon aria-hidden="true" />
                  Busy
                </Badge>
              )}
              <span className="text-sm text-muted-foreground">{result.message}</span>
            </div>
            {result.note && (
              <p className="flex gap-1.5 text-xs text-[color-mix(in_oklch,var(--warning)_50%,black)]">
                <InfoIcon aria-hidden="true" className="mt-0.5 size-3.5 shrink-0" />
                {result.note}
              </p>
            )}
            {result.conflicts.length > 0 && (
              <ul className="grid gap-1 text-sm" aria-label="Conflicts">
                {result.conflicts.map((c, i) => (
                  <li key={i} className="flex justify-between gap-3 rounded-md bg-destructive/5 px-3 py-1.5">
                    <span className="truncate font-medium">{c.title}</span>
                    <span className="shrink-0 text-muted-foreground">{formatTimeRange(c.start, c.end, c.allDay)}</span>
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
      </div>
    </Panel>
  );
}

/** Free time per day inside working hours, as a grid of weeks. */
export function WeeksGrid({ calendar }: { calendar: string }) {
  const [weeks, setWeeks] = React.useState(2);
  const query = useWeeks(calendar, weeks);
  const data: CalendarWeeks | undefined = query.data?.calendars[0];

  return (
    <Panel
      testId="availability-weeks"
      title="Free time by day"
      description={
        data?.ok
          ? `Working hours ${data.workingHours.dayStart}–${data.workingHours.dayEnd}, ${data.timeZone}. Darker means more free time.`
          : "Free slots inside the calendar's working hours."
      }
    >
      <div className="flex items-center gap-2">
        <Label htmlFor="weeks" className="text-xs text-muted-foreground">
          Weeks
        </Label>
        <NativeSelect id="weeks" size="sm" value={String(weeks)} onChange={(e) => setWeeks(Number(e.target.value))}>
          {[1, 2, 4, 8].map((n) => (
            <NativeSelectOption key={n} value={n}>
              {n}
            </NativeSelectOption>
          ))}
        </NativeSelect>
      </div>
      {query.isPending ? (
        <Skeleton className="h-32 w-full" />
      ) : query.isError ? (
        <p className="text-sm text-destructive">{errorMessage(query.error)}</p>
      ) : data && !data.ok ? (
        <p className="text-sm text-destructive" data-testid="weeks-error">
          {data.error}
        </p>
      ) : data ? (
        <>
          {data.timeZoneNote && <p className="text-xs text-muted-foreground">{data.timeZoneNote}</p>}
          <DayGrid days={data.days} dayMinutes={workingMinutes(data)} />
        </>
      ) : null}
    </Panel>
  );
}

function workingMinutes(data: CalendarWeeks): number {
  const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
  return Math.max(1, minutes(data.workingHours.dayEnd) - minutes(data.workingHours.dayStart));
}

const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

function DayGrid({ days, dayMinutes }: { days: DayAvailability[]; dayMinutes: number }) {
  // Pad the first week so columns are weekdays.
  const lead = days.length ? days[0]!.weekday - 1 : 0;
  return (
    <div className="grid grid-cols-7 gap-1.5 text-center text-[11px]" role="grid" aria-label="Free time by day">
      {WEEKDAYS.map((d) => (
        <div key={d} className="font-medium text-muted-foreground" role="columnheader">
          {d}
        </div>
      ))}
      {Array.from({ length: lead }, (_, i) => (
        <div key={`lead-${i}`} />
      ))}
      {days.map((day) => {
        const share = day.freeMinutes / dayMinutes;
        const hours = Math.round((day.freeMinutes / 60) * 10) / 10;
        const title = day.blockedAllDay
          ? `${day.date}: blocked by an all-day event`
          : !day.workingDay
            ? `${day.date}: not a working day`
            : `${day.date}: ${hours} h free in ${day.freeSlots.length} slot${day.freeSlots.length === 1 ? "" : "s"}, ${day.events} event${day.events === 1 ? "" : "s"}`;
        return (
          <div
            key={day.date}
            role="gridcell"
            title={title}
            aria-label={title}
            data-testid={`day-${day.date}`}
            className={cn("flex h-14 flex-col justify-between rounded-md border p-1", day.weekend && "bg-muted/60", day.blockedAllDay && "border-destructive/30 bg-destructive/10")}
            style={day.workingDay && !day.blockedAllDay ? { backgroundColor: `color-mix(in oklch, var(--success) ${Math.round(10 + share * 45)}%, transparent)` } : undefined}
          >
            <span className="text-left text-muted-foreground">{Number(day.date.slice(8))}</span>
            <span className="font-medium tabular-nums">{day.blockedAllDay ? "busy" : day.workingDay ? `${hours}h` : ""}</span>
          </div>
        );
      })}
    </div>
  );
}
