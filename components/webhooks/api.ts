"use client";
// The outgoing-webhook API as the browser sees it: types derived from the server's (type imports
// only, erased from the bundle) and react-query hooks for /api/webhook-endpoints/**.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { apiFetch } from "@/components/api/client";
import type { Jsonify } from "@/components/api/types";
import type { EventSpec } from "@/lib/webhooks-out/catalog";
import type { DeliveryPage as ServerDeliveryPage, DeliveryView as ServerDeliveryView } from "@/lib/webhooks-out/deliveries";
import type { EndpointDetail as ServerEndpointDetail, EndpointView as ServerEndpointView } from "@/lib/webhooks-out/endpoints";

export type Endpoint = Jsonify<ServerEndpointView>;
export type EndpointDetail = Jsonify<ServerEndpointDetail>;
export type EndpointStatus = Endpoint["status"];
export type Delivery = Jsonify<ServerDeliveryView>;
export type Attempt = Delivery["attempts"][number];
export type DeliveryPage = Jsonify<ServerDeliveryPage>;
export type CatalogEvent = Jsonify<EventSpec>;

export interface EndpointListResponse {
  endpoints: Endpoint[];
  catalog: CatalogEvent[];
}

/** The answer to create and rotate: the only time the secret is shown. */
export interface EndpointWithSecret {
  endpoint: Endpoint;
  secret: string;
}

export interface EndpointInput {
  name: string;
  url: string;
  events: string[];
  /** On create: every header. On edit: changed ones; null removes one. */
  headers: Record<string, string | null>;
}

export const ALL_EVENTS = "*";
const REFRESH_MS = 15_000;

export const webhookKeys = {
  all: ["webhooks"] as const,
  list: ["webhooks", "list"] as const,
  detail: (id: string) => ["webhooks", "endpoint", id] as const,
  deliveries: (id: string, params: Record<string, string>) => ["webhooks", "deliveries", id, params] as const,
  delivery: (id: string, deliveryId: string) => ["webhooks", "delivery", id, deliveryId] as const,
};

const base = (id: string) => `/api/webhook-endpoints/${encodeURIComponent(id)}`;

export function useEndpoints() {
  return useQuery({
    queryKey: webhookKeys.list,
    queryFn: ({ signal }) => apiFetch<EndpointListResponse>("/api/webhook-endpoints", { signal }),
    refetchInterval: REFRESH_MS,
  });
}

export function useEndpoint(id: string) {
  return useQuery({
    queryKey: webhookKeys.detail(id),
    queryFn: ({ signal }) => apiFetch<EndpointDetail>(base(id), { signal }),
    refetchInterval: REFRESH_MS,
  });
}

export function useDeliveries(id: string, params: Record<string, string>) {
  const search = new URLSearchParams(params).toString();
  return useQuery({
    queryKey: webhookKeys.deliveries(id, params),
    queryFn: ({ signal }) => apiFetch<DeliveryPage>(`${base(id)}/deliveries?${search}`, { signal }),
    placeholderData: keepPreviousData,
    refetchInterval: REFRESH_MS,
  });
}

export function useDelivery(id: string, deliveryId: string, enabled: boolean) {
  return useQuery({
    queryKey: webhookKeys.delivery(id, deliveryId),
    queryFn: ({ signal }) => apiFetch<Delivery>(`${base(id)}/deliveries/${encodeURIComponent(deliveryId)}`, { signal }),
    enabled,
  });
}

/** A mutation that refreshes every webhook query once it is done. */
function useWebhookMutation<TVariables, TResult>(fn: (variables: TVariables) => Promise<TResult>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: () => queryClient.invalidateQueries({ queryKey: webhookKeys.all }),
  });
}

export const useCreateEndpoint = () => useWebhookMutation((input: EndpointInput) => apiFetch<EndpointWithSecret>("/api/webhook-endpoints", { method: "POST", body: input }));

export const useUpdateEndpoint = (id: string) =>
  useWebhookMutation((input: Partial<EndpointInput> & { status?: "active" | "paused" }) => apiFetch<Endpoint>(base(id), { method: "PATCH", body: input }));

/** Refreshes only the list: refetching the deleted endpoint itself would just answer 404. */
export function useDeleteEndpoint(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiFetch<{ ok: true }>(base(id), { method: "DELETE" }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: webhookKeys.list }),
  });
}

export const useRotateSecret = (id: string) => useWebhookMutation(() => apiFetch<EndpointWithSecret>(`${base(id)}/rotate-secret`, { method: "POST" }));

export const useSendTest = (id: string) => useWebhookMutation(() => apiFetch<Delivery>(`${base(id)}/test`, { method: "POST" }));

export const useResendDelivery = (id: string) =>
  useWebhookMutation((deliveryId: string) => apiFetch<Delivery>(`${base(id)}/deliveries/${encodeURIComponent(deliveryId)}/resend`, { method: "POST" }));

export const useResendFailed = (id: string) =>
  useWebhookMutation((since: string) => apiFetch<{ queued: number }>(`${base(id)}/resend-failed`, { method: "POST", body: { since } }));
