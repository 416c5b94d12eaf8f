// Registry look-ups that answer API errors: 404 for an unknown provider, 409 for one that cannot
// be connected yet. Server-only (it builds ApiErrors), unlike the registry itself.
import { ApiError, notFound } from "@/lib/http/api";
import { getProvider, providerIds } from "@/lib/integrations/registry";
import type { ApiKeyAdapter, ApiKeyManifest, ProviderManifest } from "@/lib/integrations/kit/manifest";

export type ConnectableManifest = ApiKeyManifest & { adapter: () => Promise<ApiKeyAdapter> };

/** The manifest, or a 404 that names the known ids. */
export function requireProvider(id: string): ProviderManifest {
  const manifest = getProvider(id);
  if (!manifest) throw notFound(`Unknown integration "${id.slice(0, 64)}". Known integrations: ${providerIds.join(", ")}`);
  return manifest;
}

/** The manifest of a provider that works on this release: 404 when unknown, 409 when coming soon. */
export function requireAvailable(id: string): ProviderManifest {
  const manifest = requireProvider(id);
  if (manifest.status !== "available") throw new ApiError(409, `${manifest.name} is coming soon and cannot be connected yet`);
  return manifest;
}

/**
 * How a provider is connected with an API key: its own manifest, or — for an OAuth provider that
 * also takes a key (Mailchimp) — a view of it with the key's fields. Null when it takes no key.
 */
export function apiKeyManifestOf(manifest: ProviderManifest): ApiKeyManifest | null {
  if (manifest.authType === "api_key") return manifest;
  if (!manifest.apiKey) return null;
  const { oauth: _oauth, apiKey, ...base } = manifest;
  return { ...base, authType: "api_key", ...apiKey };
}

/**
 * The manifest of a provider that can be connected with an API key right now: 404 when unknown,
 * 409 when it is coming soon (or takes no API key).
 */
export function requireConnectable(id: string): ConnectableManifest {
  const manifest = requireAvailable(id);
  const apiKey = apiKeyManifestOf(manifest);
  if (!apiKey?.adapter) throw new ApiError(409, `${manifest.name} cannot be connected with an API key; use Connect to sign in at ${manifest.name}`);
  return apiKey as ConnectableManifest;
}
