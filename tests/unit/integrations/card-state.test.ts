// The card's state for OAuth providers: "Not configured" when the deployment has no OAuth app for a
// provider that takes no API key; Connect otherwise; Reconnect when the grant was refused.
import { describe, expect, it } from "vitest";
import type { IntegrationStatus, Provider } from "@/components/api/types";
import { cardState, oauthConfigured } from "@/components/integrations/state";
import { catalogEntry, getProvider } from "@/lib/integrations/registry";

function provider(id: string, configured: boolean): Provider {
  const entry = catalogEntry(getProvider(id)!);
  return { ...entry, oauth: entry.oauth ? { ...entry.oauth, setup: { configured, missing: configured ? [] : ["X_CLIENT_ID"], redirectUri: "http://localhost:3000/cb" } } : null };
}

const connected = { connected: true, connectionStatus: "connected", status: "active", needsReauth: false } as IntegrationStatus;

describe("card state of OAuth providers", () => {
  it("is Not configured without the OAuth app, Not connected with it", () => {
    expect(cardState(provider("x", false), undefined)).toBe("not_configured");
    expect(cardState(provider("x", true), undefined)).toBe("not_connected");
    expect(oauthConfigured(provider("x", false))).toBe(false);
    expect(oauthConfigured(provider("stripe", false))).toBe(true);
  });

  it("offers Mailchimp's API key even without its OAuth app", () => {
    expect(cardState(provider("mailchimp", false), undefined)).toBe("not_connected");
  });

  it("shows a stored connection whatever the setup, and Reconnect when it needs re-authorisation", () => {
    expect(cardState(provider("x", false), connected)).toBe("active");
    expect(cardState(provider("x", true), { ...connected, needsReauth: true, status: "error", connectionStatus: "error" })).toBe("needs_reauth");
  });
});
