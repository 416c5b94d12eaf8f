// The payments port: what a payment provider implements (its manifest's `payments` slot).
import type { AdapterContext } from "@/lib/integrations/kit/manifest";
import type { ProviderError } from "@/lib/integrations/kit/errors";

export interface PaymentIntentRequest {
  /** Minor units (cents). */
  amount: number;
  currency: string;
  metadata: Record<string, string>;
  /** The same key always answers the same intent. */
  idempotencyKey: string;
}

export interface PaymentIntent {
  id: string;
  amount: number;
  currency: string;
  status: string;
  /** Handed to the browser to confirm the payment; never logged. */
  clientSecret: string | null;
}

export interface PaymentsPort {
  createIntent(fields: Record<string, string>, request: PaymentIntentRequest, ctx: AdapterContext): Promise<PaymentIntent>;
  classify(error: unknown): ProviderError;
}
