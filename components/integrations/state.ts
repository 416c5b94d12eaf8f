import type { ConnectionEntry, IntegrationStatus, Provider, StatusResponse } from "@/components/api/types";
import type { SummaryCounts } from "@/components/integrations/summary-strip";

export type CardState = "coming_soon" | "unavailable" | "not_configured" | "not_connected" | "connecting" | "active" | "paused" | "error" | "needs_reauth" | "unknown";

/** One badge per card, from the catalog entry and (when there is one) its connection status. */
export function cardState(provider: Provider, status: IntegrationStatus | undefined, statusUnknown = false): CardState {
  if (provider.comingSoon) return "coming_soon";
  if (!status && statusUnknown) return "unknown";
  const hasConnection = !!status && (status.connected || status.connectionStatus !== "disconnected");
  if (!status || !hasConnection) {
    if (!provider.available) return "unavailable";
    // An OAuth provider whose app this deployment lacks, and that takes no API key either.
    if (!oauthConfigured(provider) && provider.authFields.length === 0) return "not_configured";
    return "not_connected";
  }
  if (status.paused) return "paused";
  if (status.needsReauth) return "needs_reauth";
  if (status.status === "error" || status.connectionStatus === "error") return "error";
  if (status.connectionStatus === "connecting") return "connecting";
  if (status.connected) return "active";
  return "not_connected";
}

export const STATE_BADGE: Record<CardState, { label: string; variant: "success" | "destructive" | "warning" | "secondary" | "outline" }> = {
  active: { label: "Active", variant: "success" },
  paused: { label: "Paused", variant: "secondary" },
  error: { label: "Error", variant: "destructive" },
  needs_reauth: { label: "Needs reconnect", variant: "warning" },
  connecting: { label: "Connecting", variant: "secondary" },
  not_connected: { label: "Not connected", variant: "outline" },
  unavailable: { label: "Not available", variant: "outline" },
  not_configured: { label: "Not configured", variant: "outline" },
  coming_soon: { label: "Coming soon", variant: "secondary" },
  unknown: { label: "Status unknown", variant: "outline" },
};

/** States in which a stored connection exists (so Test / Edit / Disconnect make sense). */
export function hasStoredConnection(state: CardState): boolean {
  return state === "active" || state === "paused" || state === "error" || state === "needs_reauth" || state === "connecting";
}

/** False when the provider signs in through OAuth and this deployment has no OAuth app for it. */
export function oauthConfigured(provider: Provider): boolean {
  return provider.authType !== "oauth2" || provider.oauth?.setup?.configured !== false;
}

// ---------------------------------------------------------------------------------------------
// Several accounts per provider: one card per connection.

/** Whether a connection holds credentials (the status answer lists only these as `connections`). */
export function isLive(status: Pick<IntegrationStatus, "connectionStatus">): boolean {
  return status.connectionStatus !== "disconnected" && status.connectionStatus !== "connecting";
}

/** A provider on the dashboard: a card per live connection, or one card (Connect) without any. */
export interface ProviderCards {
  provider: Provider;
  /** Live connections, oldest first; empty when no account of the provider is connected. */
  connections: ConnectionEntry[];
  /** The status of the single card shown when there is no live connection (may be a connecting or disconnected row). */
  placeholder: IntegrationStatus | undefined;
  /**
   * With several connections and no admin choice among them: the one Plugboard uses where nothing
   * names an account (the provider's default connection), so the dashboard can say which it is.
   */
  usedByDefault: string | null;
}

export function providerCards(providers: Provider[], status: StatusResponse | undefined): ProviderCards[] {
  const byProvider = new Map<string, ConnectionEntry[]>();
  for (const connection of status?.connections ?? []) {
    const list = byProvider.get(connection.providerId) ?? [];
    list.push(connection);
    byProvider.set(connection.providerId, list);
  }
  return providers.map((provider) => {
    const connections = byProvider.get(provider.id) ?? [];
    const chosen = connections.some((c) => c.defaultFor.length > 0);
    const fallback = status?.integrations[provider.id]?.connectionId ?? null;
    return {
      provider,
      connections,
      placeholder: status?.integrations[provider.id],
      usedByDefault: connections.length > 1 && !chosen && connections.some((c) => c.connectionId === fallback) ? fallback : null,
    };
  });
}

/** The summary strip's numbers: every connection by its state, and each provider without one as a single card. */
export function countStates(cards: ProviderCards[]): SummaryCounts {
  const counts: SummaryCounts = { active: 0, error: 0, notConnected: 0 };
  for (const { provider, connections, placeholder } of cards) {
    const states = connections.length ? connections.map((c) => cardState(provider, c)) : [cardState(provider, placeholder)];
    for (const state of states) {
      if (state === "active" || state === "connecting") counts.active++;
      else if (state === "error" || state === "needs_reauth") counts.error++;
      else if (state === "not_connected" || state === "not_configured") counts.notConnected++;
    }
  }
  return counts;
}

/**
 * The search box: a provider matching by name, description, category or capability keeps all its
 * cards; otherwise only its connections whose account label matches stay (and the provider goes
 * when none does).
 */
export function searchCards(cards: ProviderCards[], search: string): ProviderCards[] {
  const q = search.trim().toLowerCase();
  if (!q) return cards;
  const has = (text: string | null | undefined) => !!text && text.toLowerCase().includes(q);
  return cards.flatMap((card) => {
    const p = card.provider;
    if ([p.name, p.description, p.category, ...p.capabilities].some(has)) return [card];
    const connections = card.connections.filter((c) => has(c.accountLabel));
    return connections.length ? [{ ...card, connections }] : [];
  });
}

/**
 * The cached status answer after a connect, edit or disconnect answered with one connection's
 * status: its entry in `connections` is added, replaced or (`removed`, or no longer live) dropped,
 * and the provider's status follows when it was that connection or the provider had none live.
 * The refetch that follows brings the server's view (defaults, the provider's choice).
 */
export function withConnectionStatus(old: StatusResponse, status: IntegrationStatus, removed = false): StatusResponse {
  const id = status.connectionId;
  const live = !removed && isLive(status);
  let connections = old.connections;
  if (id) {
    const index = connections.findIndex((c) => c.connectionId === id);
    if (!live) connections = connections.filter((c) => c.connectionId !== id);
    else if (index === -1) connections = [...connections, { ...status, connectionId: id, defaultFor: [] }];
    else connections = connections.map((c, i) => (i === index ? { ...status, connectionId: id, defaultFor: c.defaultFor } : c));
  }
  const current = old.integrations[status.providerId];
  const replaces = !current || current.connectionId === id || !isLive(current);
  const integrations = replaces ? { ...old.integrations, [status.providerId]: status } : old.integrations;
  return { ...old, integrations, connections };
}
