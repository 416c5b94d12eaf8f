// Shapes of the JSON the Plugboard API answers with, as the browser sees them. Derived from the
// server types with `import type` only: type imports are erased, so the client bundle never
// imports a server module.
import type { ActivityItem as ServerActivityItem, ActivityPage } from "@/lib/connections/activity";
import type { TestResult as ServerTestResult } from "@/lib/connections/api-key";
import type { CatalogEntry } from "@/lib/integrations/registry";
import type { ConnectionEntry as ServerConnectionEntry, IntegrationStatus as ServerIntegrationStatus } from "@/lib/connections/status";
import type { AuthField as ServerAuthField, ProviderAuthType, ProviderCategory } from "@/lib/integrations/kit/manifest";
import type { ErrorCategory } from "@/lib/integrations/kit/errors";
import type { InboundEventDetail as ServerInboundEventDetail, InboundEventPage } from "@/lib/webhooks-in/admin";

/** A server value as it arrives through JSON: Dates become ISO strings; objects and arrays recurse. */
export type Jsonify<T> = T extends Date ? string : T extends object ? { [K in keyof T]: Jsonify<T[K]> } : T;

export type { ErrorCategory, ProviderCategory };
export type AuthType = ProviderAuthType;

/** GET /api/integrations */
export type AuthField = Jsonify<ServerAuthField>;
export type Provider = Jsonify<CatalogEntry>;
export interface CatalogResponse {
  providers: Provider[];
}

/** GET /api/integrations/status (and the `status` inside connect, update, test and disconnect answers) */
export type IntegrationStatus = Jsonify<ServerIntegrationStatus>;
export type UsageStat = IntegrationStatus["usage"][number];
export type CircuitState = IntegrationStatus["circuitState"];
export type ConnectionStatus = IntegrationStatus["connectionStatus"];
export type ConnectionEntry = Jsonify<ServerConnectionEntry>;
export interface StatusResponse {
  integrations: Record<string, IntegrationStatus>;
  connections: ConnectionEntry[];
  defaults: Record<string, string>;
  generatedAt: string;
}

/** POST /api/integrations/[id]/test */
export type TestResult = Jsonify<ServerTestResult>;

/** GET /api/activity */
export type ActivityResponse = Jsonify<ActivityPage>;
export type ActivityItem = Jsonify<ServerActivityItem>;
export type CallOutcome = ActivityItem["outcome"];

/** GET /api/inbound-events and GET /api/inbound-events/[id] */
export type InboundEventsResponse = Jsonify<InboundEventPage>;
export type InboundEvent = InboundEventsResponse["items"][number];
export type InboundEventDetail = Jsonify<ServerInboundEventDetail>;
export type InboundState = InboundEvent["state"];
export type SignatureVerdict = InboundEvent["signature"];

export const CATEGORY_LABELS: Record<ProviderCategory, string> = {
  payments: "Payments",
  email: "Email",
  calendar: "Calendar",
  crm: "CRM",
  sms: "SMS",
  marketing: "Marketing",
  social: "Social",
  storage: "Storage",
};

/** Display order of the category sections; unknown categories follow, alphabetically. */
export const CATEGORY_ORDER: ProviderCategory[] = ["payments", "email", "calendar", "crm", "sms", "marketing", "social", "storage"];

export const ERROR_CATEGORY_LABELS: Record<ErrorCategory, string> = {
  transient: "Transient",
  rate_limit: "Rate limit",
  auth: "Authentication",
  permanent: "Permanent",
  validation: "Validation",
};

export function errorCategoryLabel(category: string | null | undefined): string {
  if (!category) return "—";
  return ERROR_CATEGORY_LABELS[category as ErrorCategory] ?? category.replace(/_/g, " ");
}
