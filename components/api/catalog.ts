"use client";

// Provider names for pages that speak of a capability ("through your connected SendGrid or SMTP
// server"): read from the catalog, so a provider added to the registry shows up without a UI change.
import * as React from "react";

import { useCatalog } from "@/components/api/queries";
import type { Provider } from "@/components/api/types";

/** The available providers that match, by name; empty until the catalog has loaded. Pass a module-level `matches`: it is a memo dependency. */
export function useProviders(matches: (provider: Provider) => boolean): Provider[] {
  const catalog = useCatalog();
  return React.useMemo(() => (catalog.data?.providers ?? []).filter((p) => p.available && matches(p)).sort((a, b) => a.name.localeCompare(b.name)), [catalog.data, matches]);
}

/** A provider id's display name from the catalog (the id until it has loaded). */
export function useProviderName(): (id: string) => string {
  const catalog = useCatalog();
  return React.useCallback((id: string) => catalog.data?.providers.find((p) => p.id === id)?.name ?? id, [catalog.data]);
}

/** "Stripe", "SendGrid or SMTP", "Mailchimp, Stripe and Twilio". */
export function joinNames(names: string[], conjunction: "and" | "or"): string {
  if (names.length <= 1) return names[0] ?? "";
  return `${names.slice(0, -1).join(", ")} ${conjunction} ${names.at(-1)}`;
}
