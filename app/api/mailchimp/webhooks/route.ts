// GET/POST /api/mailchimp/webhooks — the same Mailchimp webhook as /api/webhooks/mailchimp, under
// the path the issue names. Public (secret in the URL), like every provider webhook.
import { handle } from "@/lib/http/api";
import { answerMailchimpValidation, mailchimpEndpoint } from "@/lib/integrations/mailchimp/webhook";
import { webhookRoute } from "@/lib/webhooks-in/route";

export const dynamic = "force-dynamic";

export const GET = handle(async (request) => answerMailchimpValidation(request));
export const POST = webhookRoute(mailchimpEndpoint);
