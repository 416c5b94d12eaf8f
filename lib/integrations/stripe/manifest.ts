import { z } from "zod";
import type { ApiKeyManifest } from "@/lib/integrations/kit/manifest";

// Secret keys are sk_test_/sk_live_, restricted keys rk_test_/rk_live_; publishable keys (pk_)
// cannot read anything, so they are refused with a message that says why.
const SECRET_KEY = /^(?:sk|rk)_(?:test|live)_[A-Za-z0-9_]{8,}$/;

export const stripeSchema = z.object({
  secretKey: z
    .string({ error: "Enter your Stripe secret key" })
    .trim()
    .min(1, "Enter your Stripe secret key")
    .superRefine((v, ctx) => {
      if (v.startsWith("pk_")) ctx.addIssue({ code: "custom", message: "That is a publishable key (pk_…); paste the secret key (sk_…) or a restricted key (rk_…)" });
      else if (!SECRET_KEY.test(v)) ctx.addIssue({ code: "custom", message: "A Stripe secret key starts with sk_test_, sk_live_, rk_test_ or rk_live_" });
    }),
  webhookSecret: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : undefined))
    .refine((v) => v === undefined || /^whsec_[A-Za-z0-9+/=_-]{8,}$/.test(v), "A webhook signing secret starts with whsec_"),
});

export const stripeManifest: ApiKeyManifest = {
  id: "stripe",
  name: "Stripe",
  category: "payments",
  description: "Take payments through Stripe payment intents; Plugboard receives payment and refund events.",
  capabilities: ["api_key", "webhooks"],
  authType: "api_key",
  docsUrl: "https://docs.stripe.com/keys",
  icon: "/providers/stripe.svg",
  status: "available",
  slots: {
    payments: () => import("@/lib/integrations/stripe/payments").then((m) => m.payments),
    inbound: () => import("@/lib/integrations/stripe/inbound").then((m) => m.inbound),
  },
  rateLimits: {
    perConnection: { limit: 25, windowSeconds: 1 },
    source: "Stripe API rate limits: 100 requests per second in live mode, 25 in test mode and 25 per endpoint; Plugboard keeps to 25",
  },
  api: {
    base: { env: "STRIPE_API_BASE", default: "https://api.stripe.com", description: "Stripe API base URL" },
  },
  fields: [
    {
      name: "secretKey",
      label: "Secret key",
      type: "password",
      secret: true,
      required: true,
      placeholder: "sk_live_…",
      help: "Dashboard → Developers → API keys. A restricted key (rk_…) with read access to Balance is enough.",
    },
    {
      name: "webhookSecret",
      label: "Webhook signing secret",
      type: "password",
      secret: true,
      required: false,
      placeholder: "whsec_…",
      help: "Optional. Dashboard → Developers → Webhooks → your endpoint → Signing secret.",
    },
  ],
  schema: stripeSchema,
  adapter: () => import("@/lib/integrations/stripe/client").then((m) => m.stripeAdapter),
  liveTest: "reads the account balance",
};
