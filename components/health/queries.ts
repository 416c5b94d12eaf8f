"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";

import { apiFetch } from "@/components/api/client";
import { STATUS_REFRESH_MS } from "@/components/api/queries";
import type { HealthHistory, HealthOverview } from "@/components/health/types";

export const healthKeys = {
  overview: ["health", "overview"] as const,
  history: (hours: number) => ["health", "history", hours] as const,
};

/** Every connected integration's health and every provider's rate limits (shared by all cards). */
export function useIntegrationHealth() {
  return useQuery({
    queryKey: healthKeys.overview,
    queryFn: ({ signal }) => apiFetch<HealthOverview>("/api/health/integrations", { signal }),
    refetchInterval: STATUS_REFRESH_MS,
    refetchOnWindowFocus: true,
  });
}

export function useHealthHistory(hours = 24) {
  return useQuery({
    queryKey: healthKeys.history(hours),
    queryFn: ({ signal }) => apiFetch<HealthHistory>(`/api/health/integrations/history?hours=${hours}`, { signal }),
    placeholderData: keepPreviousData,
    refetchInterval: 60_000,
    refetchOnWindowFocus: true,
  });
}
