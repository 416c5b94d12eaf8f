import type { IntegrationStatus, Provider } from "@/components/api/types";

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
