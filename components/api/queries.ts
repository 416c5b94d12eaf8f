"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";

import { apiFetch } from "@/components/api/client";
import type { ConnectionWebhookUrl } from "@/lib/webhooks-in/url-secrets";
import type { ActivityResponse, CatalogResponse, InboundEventDetail, InboundEventsResponse, StatusResponse } from "@/components/api/types";

export const queryKeys = {
  catalog: ["integrations", "catalog"] as const,
  status: ["integrations", "status"] as const,
  activity: (params: Record<string, string>) => ["activity", params] as const,
  inboundEvents: (params: Record<string, string>) => ["inbound-events", params] as const,
  inboundEvent: (id: string) => ["inbound-events", "detail", id] as const,
  connectionWebhookUrl: (connectionId: string) => ["connections", connectionId, "webhook-url"] as const,
};

export const STATUS_REFRESH_MS = 15_000;

export function useCatalog() {
  return useQuery({
    queryKey: queryKeys.catalog,
    queryFn: ({ signal }) => apiFetch<CatalogResponse>("/api/integrations", { signal }),
    staleTime: 5 * 60_000,
  });
}

export function useIntegrationStatus() {
  return useQuery({
    queryKey: queryKeys.status,
    queryFn: ({ signal }) => apiFetch<StatusResponse>("/api/integrations/status", { signal }),
    refetchInterval: STATUS_REFRESH_MS,
    refetchOnWindowFocus: true,
  });
}

export function useActivity(params: Record<string, string>) {
  const search = new URLSearchParams(params).toString();
  return useQuery({
    queryKey: queryKeys.activity(params),
    queryFn: ({ signal }) => apiFetch<ActivityResponse>(`/api/activity?${search}`, { signal }),
    placeholderData: keepPreviousData,
    refetchInterval: STATUS_REFRESH_MS,
    refetchOnWindowFocus: true,
  });
}

export function useInboundEvents(params: Record<string, string>) {
  const search = new URLSearchParams(params).toString();
  return useQuery({
    queryKey: queryKeys.inboundEvents(params),
    queryFn: ({ signal }) => apiFetch<InboundEventsResponse>(`/api/inbound-events?${search}`, { signal }),
    placeholderData: keepPreviousData,
    refetchInterval: STATUS_REFRESH_MS,
    refetchOnWindowFocus: true,
  });
}

export function useInboundEvent(id: string, enabled: boolean) {
  return useQuery({
    queryKey: queryKeys.inboundEvent(id),
    queryFn: ({ signal }) => apiFetch<InboundEventDetail>(`/api/inbound-events/${encodeURIComponent(id)}`, { signal }),
    enabled,
  });
}

/** The webhook URL of a connection whose provider addresses webhooks per connection (Mailchimp): whole for admins, masked for viewers. */
export function useConnectionWebhookUrl(connectionId: string) {
  return useQuery({
    queryKey: queryKeys.connectionWebhookUrl(connectionId),
    queryFn: ({ signal }) => apiFetch<ConnectionWebhookUrl>(`/api/connections/${encodeURIComponent(connectionId)}/webhook-url`, { signal }),
    staleTime: Infinity,
  });
}
