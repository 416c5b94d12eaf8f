// The payments slot: payment intents through Stripe's SDK.
import type { PaymentsPort } from "@/lib/integrations/kit/ports/payments";
import { classifyStripeError, createStripePaymentIntent } from "@/lib/integrations/stripe/client";
import { ProviderError } from "@/lib/integrations/kit/errors";

export const payments: PaymentsPort = {
  async createIntent(fields, request, ctx) {
    if (!fields.secretKey) throw new ProviderError("The Stripe connection has no secret key", { category: "auth" });
    const intent = await createStripePaymentIntent(fields.secretKey, request, ctx);
    return { id: intent.id, amount: intent.amount, currency: intent.currency, status: intent.status, clientSecret: intent.client_secret };
  },
  classify: classifyStripeError,
};
