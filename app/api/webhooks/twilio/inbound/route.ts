// POST /api/webhooks/twilio/inbound — incoming SMS (X-Twilio-Signature checked); answers empty TwiML.
import { twilioInboundEndpoint } from "@/lib/integrations/twilio/webhook";
import { webhookRoute } from "@/lib/webhooks-in/route";

export const dynamic = "force-dynamic";

export const POST = webhookRoute(twilioInboundEndpoint);
