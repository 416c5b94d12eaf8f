// Which code processes each provider's stored events. Verification lives with the provider
// (lib/integrations/<id>/webhook.ts); processing lives with what it changes (payments, contacts, SMS).
import { mailchimpEventHandler } from "@/lib/contacts/mailchimp-events";
import { stripeEventHandler } from "@/lib/payments/stripe-events";
import { twilioEventHandler } from "@/lib/sms/twilio-events";
import type { InboundHandler } from "@/lib/webhooks-in/types";

const HANDLERS: Record<string, InboundHandler> = {
  stripe: stripeEventHandler,
  mailchimp: mailchimpEventHandler,
  twilio: twilioEventHandler,
};

export const INBOUND_PROVIDERS = Object.keys(HANDLERS);

export function handlerFor(provider: string): InboundHandler | undefined {
  return HANDLERS[provider];
}
