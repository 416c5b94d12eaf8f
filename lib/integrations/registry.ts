// Every provider Plugboard knows. Adding one = a folder with its manifest (and, once it can be
// connected, its ports) plus one line below. Pure data (manifests load their ports lazily), so
// this module is safe to import from server and client code alike.
//
// Business code finds providers by capability — `providersWith("email")`, `loadPort(id, "email")`
// — never by naming a provider id.
import { googleCalendarManifest } from "@/lib/integrations/google-calendar/manifest";
import { linkedinManifest } from "@/lib/integrations/linkedin/manifest";
import { mailchimpManifest } from "@/lib/integrations/mailchimp/manifest";
import { odooManifest } from "@/lib/integrations/odoo/manifest";
import { outlookCalendarManifest } from "@/lib/integrations/outlook-calendar/manifest";
import { s3Manifest } from "@/lib/integrations/s3/manifest";
import { sendgridManifest } from "@/lib/integrations/sendgrid/manifest";
import { smtpManifest } from "@/lib/integrations/smtp/manifest";
import { stripeManifest } from "@/lib/integrations/stripe/manifest";
import { twilioManifest } from "@/lib/integrations/twilio/manifest";
import {
  CAPABILITY_SLOTS,
  type AuthField,
  type CapabilitySlot,
  type EndpointSetting,
  type OAuthSetup,
  type PortsBySlot,
  type ProviderManifest,
} from "@/lib/integrations/kit/manifest";
import { xManifest } from "@/lib/integrations/x/manifest";

const registered: ProviderManifest[] = [
  googleCalendarManifest,
  outlookCalendarManifest,
  mailchimpManifest,
  linkedinManifest,
  xManifest,
  odooManifest,
  stripeManifest,
  sendgridManifest,
  smtpManifest,
  twilioManifest,
  s3Manifest,
];

export const providers: readonly ProviderManifest[] = registered;

const byId = new Map(registered.map((p) => [p.id, p]));

export const providerIds: readonly string[] = registered.map((p) => p.id);

export function getProvider(id: string): ProviderManifest | undefined {
  return byId.get(id);
}

/**
 * Adds a provider at run time. For tests, which prove that a provider plugs into a slot with no
 * change outside its own folder; the app's providers are the list above.
 */
export function registerProvider(manifest: ProviderManifest): () => void {
  if (byId.has(manifest.id)) throw new Error(`A provider with id "${manifest.id}" is already registered`);
  registered.push(manifest);
  byId.set(manifest.id, manifest);
  (providerIds as string[]).push(manifest.id);
  return () => {
    registered.splice(registered.indexOf(manifest), 1);
    byId.delete(manifest.id);
    (providerIds as string[]).splice((providerIds as string[]).indexOf(manifest.id), 1);
    ports.forEach((_, key) => key.startsWith(`${manifest.id}:`) && ports.delete(key));
  };
}

/** Available providers that fill a capability slot, in registry order (the order of preference). */
export function providersWith(slot: CapabilitySlot): ProviderManifest[] {
  return registered.filter((p) => p.status === "available" && p.slots?.[slot]);
}

/** Whether a provider fills a slot. */
export function hasSlot(providerId: string, slot: CapabilitySlot): boolean {
  const manifest = byId.get(providerId);
  return Boolean(manifest && manifest.status === "available" && manifest.slots?.[slot]);
}

const ports = new Map<string, Promise<unknown>>();

/** A provider's port for a slot, loaded once; throws when the provider does not fill it. */
export function loadPort<S extends CapabilitySlot>(providerId: string, slot: S): Promise<PortsBySlot[S]> {
  const key = `${providerId}:${slot}`;
  let port = ports.get(key) as Promise<PortsBySlot[S]> | undefined;
  if (!port) {
    const load = byId.get(providerId)?.slots?.[slot] as (() => Promise<PortsBySlot[S]>) | undefined;
    if (!load) return Promise.reject(new Error(`${byId.get(providerId)?.name ?? providerId} has no ${slot} capability`));
    port = load();
    port.catch(() => ports.delete(key));
    ports.set(key, port);
  }
  return port;
}

/** A manifest as the catalog API and the UI see it: data only, no schema or code. */
export interface CatalogEntry {
  id: string;
  name: string;
  category: ProviderManifest["category"];
  description: string;
  capabilities: ProviderManifest["capabilities"];
  /**
   * The capability slots the provider fills, which an admin can make one of its connections the
   * default of (PUT /api/connections/[id]/default). Without "inbound": webhooks arrive addressed
   * to a provider, so nobody chooses a default for them.
   */
  slots: CapabilitySlot[];
  authType: ProviderManifest["authType"];
  status: ProviderManifest["status"];
  available: boolean;
  comingSoon: boolean;
  docsUrl: string;
  icon: string;
  /** The API-key form (empty for OAuth-only providers). */
  authFields: AuthField[];
  /** `setup`: whether this deployment has the provider's OAuth app (filled in by the catalog route). */
  oauth: { scopes: string[]; setup?: OAuthSetup } | null;
  /** Each connection has its own webhook URL (GET /api/connections/[id]/webhook-url), shown on its card. */
  connectionWebhookUrl: boolean;
}

export function catalogEntry(manifest: ProviderManifest): CatalogEntry {
  return {
    id: manifest.id,
    name: manifest.name,
    category: manifest.category,
    description: manifest.description,
    capabilities: [...manifest.capabilities],
    slots: CAPABILITY_SLOTS.filter((slot) => slot !== "inbound" && manifest.status === "available" && Boolean(manifest.slots?.[slot])),
    authType: manifest.authType,
    status: manifest.status,
    available: manifest.status === "available",
    comingSoon: manifest.status === "coming_soon",
    docsUrl: manifest.docsUrl,
    icon: manifest.icon,
    authFields: (manifest.authType === "api_key" ? manifest.fields : (manifest.apiKey?.fields ?? [])).map((f) => ({ ...f })),
    oauth: manifest.authType === "oauth2" ? { scopes: [...manifest.oauth.scopes] } : null,
    connectionWebhookUrl: Boolean(manifest.connectionWebhookPath),
  };
}

export function catalog(): CatalogEntry[] {
  return providers.map(catalogEntry);
}

export interface EnvironmentSetting extends EndpointSetting {
  providerId: string;
  /** True for OAuth client credentials, which have no default and are secrets. */
  secret: boolean;
}

/** Every environment variable the providers read, for the README and .env.example generator. */
export function providerEnvironment(): EnvironmentSetting[] {
  const out: EnvironmentSetting[] = [];
  for (const p of providers) {
    for (const setting of Object.values(p.api)) out.push({ ...setting, providerId: p.id, secret: false });
    if (p.authType === "oauth2") {
      const o = p.oauth;
      out.push({ env: o.clientIdEnv, default: "", description: `${p.name} OAuth client ID`, providerId: p.id, secret: false });
      out.push({ env: o.clientSecretEnv, default: "", description: `${p.name} OAuth client secret`, providerId: p.id, secret: true });
      for (const setting of [o.authorizeUrl, o.tokenUrl, o.revokeUrl, o.userinfoUrl]) {
        if (setting) out.push({ ...setting, providerId: p.id, secret: false });
      }
    }
  }
  return out;
}
