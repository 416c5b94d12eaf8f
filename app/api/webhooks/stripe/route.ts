// POST /api/webhooks/stripe — Stripe events, verified against every connected Stripe connection's
// signing secret (see lib/integrations/stripe/webhook.ts), stored, acknowledged, then processed.
import { stripeEndpoint } from "@/lib/integrations/stripe/webhook";
import { webhookRoute } from "@/lib/webhooks-in/route";

export const dynamic = "force-dynamic";

export const POST = webhookRoute(stripeEndpoint);
