"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";

import { apiFetch } from "@/components/api/client";
import type { BatchJob, BatchJobsResponse, CalendarsResponse, EventsResponse, SyncResponse, WeeksResponse } from "@/components/calendar/types";

export const calendarKeys = {
  calendars: ["calendar", "calendars"] as const,
  sync: ["calendar", "sync"] as const,
  events: (calendar: string) => ["calendar", "events", calendar] as const,
  weeks: (calendar: string, weeks: number) => ["calendar", "weeks", calendar, weeks] as const,
  jobs: ["calendar", "jobs"] as const,
  job: (id: string) => ["calendar", "job", id] as const,
};

const qs = (params: Record<string, string>) => new URLSearchParams(params).toString();

export function useCalendars() {
  return useQuery({
    queryKey: calendarKeys.calendars,
    queryFn: ({ signal }) => apiFetch<CalendarsResponse>("/api/calendar/calendars", { signal }),
    staleTime: 60_000,
  });
}

export function useSyncStatus() {
  return useQuery({
    queryKey: calendarKeys.sync,
    queryFn: ({ signal }) => apiFetch<SyncResponse>("/api/calendar/sync", { signal }),
    refetchInterval: 30_000,
  });
}

export function useNextEvents(calendar: string) {
  return useQuery({
    queryKey: calendarKeys.events(calendar),
    queryFn: ({ signal }) => apiFetch<EventsResponse>(`/api/calendar/events?${qs({ calendar, limit: "8" })}`, { signal }),
    enabled: !!calendar,
    placeholderData: keepPreviousData,
  });
}

export function useWeeks(calendar: string, weeks: number) {
  return useQuery({
    queryKey: calendarKeys.weeks(calendar, weeks),
    queryFn: ({ signal }) => apiFetch<WeeksResponse>(`/api/calendar/availability/weeks?${qs({ calendars: calendar, weeks: String(weeks) })}`, { signal }),
    enabled: !!calendar,
    placeholderData: keepPreviousData,
  });
}

export function useBatchJobs() {
  return useQuery({
    queryKey: calendarKeys.jobs,
    queryFn: ({ signal }) => apiFetch<BatchJobsResponse>("/api/calendar/batch", { signal }),
  });
}

const running = (job: BatchJob | undefined) => !job || job.status === "queued" || job.status === "running";

/** A job's progress, polled every second while it runs. */
export function useBatchJob(id: string | null) {
  return useQuery({
    queryKey: calendarKeys.job(id ?? ""),
    queryFn: ({ signal }) => apiFetch<BatchJob>(`/api/calendar/batch/${encodeURIComponent(id!)}`, { signal }),
    enabled: !!id,
    refetchInterval: (query) => (running(query.state.data) ? 1_000 : false),
  });
}
