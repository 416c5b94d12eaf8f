// A deployment's OAuth apps: which providers have their client id and secret configured, the
// exact redirect URI to register at each provider, and the resolved client for the flows.
import { publicBaseUrl } from "@/lib/config";
import { ApiError } from "@/lib/http/api";
import { endpointUrl } from "@/lib/integrations/kit/endpoints";
import { requireAvailable } from "@/lib/connections/lookup";
import { catalog, getProvider, type CatalogEntry } from "@/lib/integrations/registry";
import type { OAuthManifest, OAuthSetup } from "@/lib/integrations/kit/manifest";
import type { OAuthClient, OAuthProviderModule } from "@/lib/integrations/kit/oauth";

const env = (name: string) => process.env[name]?.trim() || undefined;

export function redirectUriFor(providerId: string): string {
  return `${publicBaseUrl()}/api/integrations/${encodeURIComponent(providerId)}/oauth/callback`;
}

export function oauthSetup(manifest: OAuthManifest): OAuthSetup {
  const { clientIdEnv, clientSecretEnv } = manifest.oauth;
  const missing = [clientIdEnv, clientSecretEnv].filter((name) => !env(name));
  return { configured: missing.length === 0, missing, redirectUri: redirectUriFor(manifest.id) };
}

/** The catalog with each OAuth provider's setup on this deployment (for the cards' "not configured" state). */
export function deploymentCatalog(): CatalogEntry[] {
  return catalog().map((entry) => {
    const manifest = getProvider(entry.id);
    if (!entry.oauth || manifest?.authType !== "oauth2") return entry;
    return { ...entry, oauth: { ...entry.oauth, setup: oauthSetup(manifest) } };
  });
}

export type OAuthProvider = OAuthManifest & { oauth: OAuthManifest["oauth"] & { provider: () => Promise<OAuthProviderModule> } };

/** The manifest of a provider that can be connected through OAuth now: 404 unknown, 409 otherwise. */
export function requireOAuthProvider(providerId: string): OAuthProvider {
  const manifest = requireAvailable(providerId);
  if (manifest.authType !== "oauth2" || !manifest.oauth.provider) throw new ApiError(409, `${manifest.name} is not connected through OAuth`);
  return manifest as OAuthProvider;
}

const modules = new Map<string, Promise<OAuthProviderModule>>();
function loadModule(manifest: OAuthProvider): Promise<OAuthProviderModule> {
  let loaded = modules.get(manifest.id);
  if (!loaded) {
    loaded = manifest.oauth.provider();
    modules.set(manifest.id, loaded);
    loaded.catch(() => modules.delete(manifest.id));
  }
  return loaded;
}

export interface ResolvedOAuth {
  manifest: OAuthProvider;
  module: OAuthProviderModule;
  client: OAuthClient;
}

/**
 * The provider's module and its client with every URL from configuration. 409 naming what to set
 * when the deployment has no OAuth app for it.
 */
export async function resolveOAuth(manifest: OAuthProvider): Promise<ResolvedOAuth> {
  const setup = oauthSetup(manifest);
  if (!setup.configured) {
    throw new ApiError(
      409,
      `${manifest.name} is not configured on this deployment: set ${setup.missing.join(" and ")}, and register ${setup.redirectUri} as the redirect URI at ${manifest.name}`,
    );
  }
  const o = manifest.oauth;
  const providerModule = await loadModule(manifest);
  const base: OAuthClient = {
    providerId: manifest.id,
    providerName: manifest.name,
    clientId: env(o.clientIdEnv)!,
    clientSecret: env(o.clientSecretEnv)!,
    redirectUri: setup.redirectUri,
    endpoints: {
      authorize: endpointUrl(o.authorizeUrl),
      token: endpointUrl(o.tokenUrl),
      ...(o.revokeUrl ? { revoke: endpointUrl(o.revokeUrl) } : {}),
      ...(o.userinfoUrl ? { userinfo: endpointUrl(o.userinfoUrl) } : {}),
    },
    scopes: [...o.scopes],
  };
  return { manifest, module: providerModule, client: providerModule.configure ? providerModule.configure(base) : base };
}
