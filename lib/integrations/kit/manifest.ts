// The provider manifest: everything Plugboard knows about one third-party tool, as data. The
// generic connection flow, the catalog API, the UI and the README/.env.example generator read
// manifests; nothing outside a provider's own folder switches on provider ids.
import type { z } from "zod";
import type { OAuthProviderModule } from "@/lib/integrations/kit/oauth";
import type { CalendarPort } from "@/lib/integrations/kit/ports/calendar";
import type { CrmPort } from "@/lib/integrations/kit/ports/crm";
import type { EmailPort } from "@/lib/integrations/kit/ports/email";
import type { InboundPort } from "@/lib/integrations/kit/ports/inbound";
import type { MarketingPort } from "@/lib/integrations/kit/ports/marketing";
import type { PaymentsPort } from "@/lib/integrations/kit/ports/payments";
import type { SmsPort } from "@/lib/integrations/kit/ports/sms";
import type { SocialPort } from "@/lib/integrations/kit/ports/social";
import type { StoragePort } from "@/lib/integrations/kit/ports/storage";
import type { ProviderError } from "@/lib/integrations/kit/errors";

export const PROVIDER_CATEGORIES = ["calendar", "crm", "email", "sms", "payments", "marketing", "social", "storage"] as const;
export type ProviderCategory = (typeof PROVIDER_CATEGORIES)[number];

/**
 * What the catalog card shows as chips and the search matches. Each must be backed by the manifest
 * (tests/unit/integrations/registry.test.ts): `oauth`/`api_key` by a way to connect, `webhooks` by an
 * `inbound` slot, `sync` by a slot that moves records between Plugboard and the provider.
 */
export type Capability = "oauth" | "api_key" | "webhooks" | "sync";
export type ProviderAuthType = "oauth2" | "api_key";
export type ProviderAvailability = "available" | "coming_soon";

/** One input of an API-key form. Secret fields are stored encrypted and never sent back. */
export interface AuthField {
  name: string;
  label: string;
  /** The HTML input type the form uses (secret fields render as password inputs). */
  type: "text" | "password" | "email" | "url" | "number";
  secret: boolean;
  required: boolean;
  placeholder?: string;
  help?: string;
  /** When present the form offers these values in a select instead of a free text input. */
  options?: { value: string; label: string }[];
  /**
   * A network address Plugboard connects to (a URL, or a bare host name): checked by the same
   * address rules as webhook URLs before anything is sent to it.
   */
  address?: "url" | "host";
}

/**
 * A URL Plugboard calls (or sends a browser to), overridable through an environment variable so
 * tests and self-hosters behind a proxy can point it elsewhere. Declared as data so the
 * configuration docs can list every variable with its default.
 */
export interface EndpointSetting {
  env: string;
  default: string;
  description: string;
}

export interface OAuthSpec {
  authorizeUrl: EndpointSetting;
  tokenUrl: EndpointSetting;
  /** Absent where the provider has no token revocation endpoint. */
  revokeUrl?: EndpointSetting;
  /** Where to read who authorised (OIDC userinfo or the provider's "me" endpoint). */
  userinfoUrl?: EndpointSetting;
  scopes: string[];
  /** Scopes the connection cannot work without: a grant lacking one is refused. Default: all of `scopes`. */
  requiredScopes?: string[];
  pkce: boolean;
  /** Environment variables holding the OAuth app's client id and secret. */
  clientIdEnv: string;
  clientSecretEnv: string;
  /** The provider's OAuth specifics (lib/oauth runs the flow). Loaded on first use, like `adapter`. */
  provider?: () => Promise<OAuthProviderModule>;
}

/** What the catalog says about a deployment's OAuth app for a provider (see lib/connections/oauth/setup.ts). */
export interface OAuthSetup {
  /** Client id and secret are set: the Connect button can work. */
  configured: boolean;
  /** The environment variables still to set. */
  missing: string[];
  /** The exact redirect URI to register at the provider. */
  redirectUri: string;
}

/** What a successful live test learned about the account. */
export interface TestOutcome {
  /** Shown on the card, e.g. "Stripe (test mode) · USD, EUR". Never contains a secret. */
  accountLabel: string;
  /**
   * The provider's stable id of the account these credentials act for (never a secret): connecting
   * it again updates its connection instead of adding one. Without it, the secrets' fingerprint is used.
   */
  accountId?: string;
  grantedScopes?: string[];
}

export interface AdapterContext {
  /** Aborted by the pipeline on timeout; adapters pass it to their SDK where it takes one. */
  signal: AbortSignal;
  timeoutMs: number;
}

/** Provider-specific code for an API-key provider; the generic flow only calls these. */
export interface ApiKeyAdapter {
  /** A cheap authenticated read proving the credentials work; throws on failure. */
  testConnection(fields: Record<string, string>, ctx: AdapterContext): Promise<TestOutcome>;
  /** Maps whatever the SDK threw onto the pipeline's categories. */
  classifyError(error: unknown): ProviderError;
}

/** At most `limit` calls per `windowSeconds` (a fixed window). */
export interface RateLimit {
  limit: number;
  windowSeconds: number;
}

/**
 * The request quota Plugboard keeps to before calling a provider, so a burst gets a `rate_limit`
 * answer from the pipeline instead of a ban from the provider. Defaults come from the provider's
 * documentation; the RATE_LIMITS setting overrides them per provider or operation.
 */
export interface RateLimitSpec {
  /** Every call of one workspace's connection together; null where the provider documents none. */
  perConnection: RateLimit | null;
  /** Stricter limits for single operations (by CallContext.operation); they count against perConnection too. */
  operations?: Record<string, RateLimit>;
  /** Where the figures come from, in words (shown beside them). */
  source: string;
}

/** The port each capability slot holds. */
export interface PortsBySlot {
  calendar: CalendarPort;
  email: EmailPort;
  sms: SmsPort;
  payments: PaymentsPort;
  inbound: InboundPort;
  crm: CrmPort;
  marketing: MarketingPort;
  storage: StoragePort;
  social: SocialPort;
}

export type CapabilitySlot = keyof PortsBySlot;
export const CAPABILITY_SLOTS = ["calendar", "email", "sms", "payments", "inbound", "crm", "marketing", "storage", "social"] as const satisfies readonly CapabilitySlot[];

/**
 * What a provider can do, as lazily loaded ports: `email: () => import("./email").then((m) => m.email)`.
 * Business code asks the registry for providers with a slot (never for a provider id) and loads
 * the port on use, so importing a manifest never pulls in an SDK.
 */
export type CapabilitySlots = { [K in CapabilitySlot]?: () => Promise<PortsBySlot[K]> };

interface ManifestBase {
  id: string;
  name: string;
  category: ProviderCategory;
  description: string;
  capabilities: Capability[];
  docsUrl: string;
  /** `/providers/<id>.svg` under public/. */
  icon: string;
  status: ProviderAvailability;
  /** API base URLs by name (`base`, `graph`, …). */
  api: Record<string, EndpointSetting>;
  /** The provider's documented quotas, enforced by the call pipeline. */
  rateLimits?: RateLimitSpec;
  /** The capability ports this provider implements (none for coming-soon providers). */
  slots?: CapabilitySlots;
  /**
   * For providers that sign no webhook (Mailchimp): the sub-path and query, below
   * /api/webhooks/<id>/, of one connection's own webhook URL carrying that connection's URL secret
   * (issued by lib/webhooks-in/url-secrets, checked by the inbound port through
   * `lookup.urlSecret`). The connection's card shows the whole URL to admins.
   */
  connectionWebhookPath?(connectionId: string, secret: string): string;
}

export interface ApiKeyManifest extends ManifestBase {
  authType: "api_key";
  fields: AuthField[];
  /** Validates a complete set of field values (strict: unknown keys are rejected by the flow). */
  schema: z.ZodType<Record<string, string | undefined>>;
  /**
   * Loaded on first use so that importing a manifest (catalog, UI, docs generator) never pulls in
   * the provider's SDK. Absent for coming-soon providers.
   */
  adapter?: () => Promise<ApiKeyAdapter>;
  /**
   * What the adapter's live test checks, in words ("reads the account balance"); the README's
   * provider table shows it, so it must say what `testConnection` really does. Absent without an adapter.
   */
  liveTest?: string;
}

/** An API-key way in beside OAuth (Mailchimp's `key-dc`), run by the generic API-key flow. */
export type ApiKeyMethod = Pick<ApiKeyManifest, "fields" | "schema" | "adapter" | "liveTest">;

export interface OAuthManifest extends ManifestBase {
  authType: "oauth2";
  oauth: OAuthSpec;
  apiKey?: ApiKeyMethod;
}

export type ProviderManifest = ApiKeyManifest | OAuthManifest;
