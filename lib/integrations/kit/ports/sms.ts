// The sms port: what a provider that sends text messages implements (its manifest's `sms` slot).
import type { AdapterContext } from "@/lib/integrations/kit/manifest";
import type { ProviderError } from "@/lib/integrations/kit/errors";

export interface SmsRequest {
  to: string;
  body: string;
  /** Where the provider reports delivery statuses. */
  statusCallback?: string;
}

export interface SentSms {
  /** The provider's message id. */
  sid: string;
  /** The provider's first status for it (queued, accepted …). */
  status: string;
}

export interface SmsPort {
  /** The sender number or name the connection sends from (shown and stored with the message). */
  sender(fields: Record<string, string>): string;
  send(fields: Record<string, string>, request: SmsRequest, ctx: AdapterContext): Promise<SentSms>;
  classify(error: unknown): ProviderError;
}
