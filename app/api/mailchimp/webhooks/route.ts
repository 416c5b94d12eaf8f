// GET/POST /api/mailchimp/webhooks — the same Mailchimp webhook as /api/webhooks/mailchimp, under
// the path the issue names. Public (secret in the URL), like every provider webhook.
import { inboundWebhookRoute, type WebhookTarget } from "@/lib/webhooks-in/route";

export const dynamic = "force-dynamic";

const mailchimp: WebhookTarget = { provider: "mailchimp", path: [] };

export const GET = inboundWebhookRoute("GET", mailchimp);
export const POST = inboundWebhookRoute("POST", mailchimp);
