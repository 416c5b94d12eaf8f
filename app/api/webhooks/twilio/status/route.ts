// POST /api/webhooks/twilio/status — Twilio message status callbacks (X-Twilio-Signature checked).
import { twilioStatusEndpoint } from "@/lib/integrations/twilio/webhook";
import { webhookRoute } from "@/lib/webhooks-in/route";

export const dynamic = "force-dynamic";

export const POST = webhookRoute(twilioStatusEndpoint);
