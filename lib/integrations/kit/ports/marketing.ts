// The marketing port: audiences (lists) and their members, as a marketing provider implements it
// (its manifest's `marketing` slot). Credentials are the connection's fields, or its OAuth token
// with the settings the grant recorded.
import type { ProviderError } from "@/lib/integrations/kit/errors";
import type { Credentials } from "@/lib/integrations/kit/credentials";

export interface Audience {
  id: string;
  name: string;
  memberCount: number;
}

export interface ContactPush {
  email: string;
  firstName?: string;
  lastName?: string;
  status: "subscribed" | "pending";
  mergeFields?: Record<string, string>;
}

export interface PushedContact {
  id: string;
  email: string;
  status: string;
}

export interface MarketingClient {
  listAudiences(): Promise<Audience[]>;
  pushContact(listId: string, contact: ContactPush): Promise<PushedContact>;
}

export interface MarketingPort {
  /** Null when the credentials are incomplete (e.g. an OAuth grant without its data centre). */
  open(credentials: Credentials, options: { timeoutMs: number }): MarketingClient | null;
  classify(error: unknown): ProviderError;
}
