// POST /api/webhooks/stripe/<connectionId> — Stripe events for one named connection (its signing
// secret only). Use this URL when several workspaces share the deployment.
import { stripeEndpoint } from "@/lib/integrations/stripe/webhook";
import { webhookRoute } from "@/lib/webhooks-in/route";

export const dynamic = "force-dynamic";

export const POST = webhookRoute(stripeEndpoint);
