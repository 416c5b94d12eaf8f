// Shapes of the JSON the Plugboard API answers with, as the browser sees them (dates are ISO
// strings). Kept here, next to the UI that reads them, so the client bundle never imports server
// modules.

export type ProviderCategory =
  | "calendar"
  | "crm"
  | "email"
  | "sms"
  | "payments"
  | "marketing"
  | "social"
  | "storage";

export type AuthType = "api_key" | "oauth2";

export interface AuthField {
  name: string;
  label: string;
  type: "text" | "password" | "email" | "url" | "number";
  secret: boolean;
  required: boolean;
  placeholder?: string;
  help?: string;
}

export interface Provider {
  id: string;
  name: string;
  category: ProviderCategory;
  description: string;
  capabilities: string[];
  authType: AuthType;
  available: boolean;
  comingSoon: boolean;
  docsUrl: string;
  icon: string;
  authFields?: AuthField[];
}

export interface CatalogResponse {
  providers: Provider[];
}

export type ErrorCategory = "transient" | "rate_limit" | "auth" | "permanent" | "validation";
export type CircuitState = "closed" | "open" | "half_open";
export type ConnectionStatus = "disconnected" | "connecting" | "connected" | "error" | "syncing";

export interface UsageStat {
  label: string;
  value: string | number;
}

export interface IntegrationStatus {
  providerId: string;
  connected: boolean;
  status: "active" | "error" | "inactive";
  connectionStatus: ConnectionStatus;
  accountLabel: string | null;
  lastSyncAt: string | null;
  lastTestedAt: string | null;
  tokenExpiresAt: string | null;
  needsReauth: boolean;
  usage: UsageStat[];
  lastError: { message: string; category: ErrorCategory | string } | null;
  circuitState: CircuitState;
}

export interface StatusResponse {
  integrations: Record<string, IntegrationStatus>;
  generatedAt: string;
}

export interface TestResult {
  ok: boolean;
  message: string;
  durationMs: number;
  category?: string;
}

export type CallOutcome = "success" | "failure" | "short_circuit";

export interface ActivityItem {
  id: string;
  providerId: string;
  connectionId: string | null;
  operation: string;
  outcome: CallOutcome;
  errorCategory: ErrorCategory | null;
  durationMs: number;
  attempts: number;
  statusCode: number | null;
  message: string | null;
  actor: string | null;
  createdAt: string;
}

export interface ActivityResponse {
  items: ActivityItem[];
  page: number;
  pageSize: number;
  total: number;
}

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
export const CATEGORY_ORDER: ProviderCategory[] = [
  "payments",
  "email",
  "calendar",
  "crm",
  "sms",
  "marketing",
  "social",
  "storage",
];

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
