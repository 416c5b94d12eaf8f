// Every provider webhook URL: /api/webhooks/<provider id>[/<sub-path>] — /api/webhooks/stripe,
// /api/webhooks/stripe/<connectionId>, /api/webhooks/twilio/status, /api/webhooks/twilio/inbound,
// /api/webhooks/mailchimp?secret=…&workspace=… (GET: Mailchimp's URL check). Which providers and
// sub-paths exist is each provider's `inbound` slot (lib/integrations/<id>/inbound.ts); anything
// else is a 404. See lib/webhooks-in/route.ts.
import { inboundWebhookRoute } from "@/lib/webhooks-in/route";

export const dynamic = "force-dynamic";

export const GET = inboundWebhookRoute("GET");
export const POST = inboundWebhookRoute("POST");
