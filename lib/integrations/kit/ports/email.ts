// The email port: one rendered email on its way to a provider, and what a provider that sends
// email implements (its manifest's `email` slot).
import type { ProviderError } from "@/lib/integrations/kit/errors";
import type { AdapterContext } from "@/lib/integrations/kit/manifest";

export interface OutgoingEmail {
  /** One or more recipients; each gets their own copy (recipients never see each other). */
  to: string[];
  subject: string;
  html: string;
  text: string;
  /** The template it came from, sent along as a category/header for the provider's statistics. */
  category?: string;
}

export interface SentEmail {
  messageId?: string;
}

export interface EmailPort {
  /** Sends one email with the connection's fields (secrets included); throws what the SDK threw. */
  send(fields: Record<string, string>, email: OutgoingEmail, ctx: AdapterContext): Promise<SentEmail>;
  classify(error: unknown): ProviderError;
  /** True when the error proves the provider did not accept the email (safe to send again). */
  definitelyNotSent(error: unknown): boolean;
}
