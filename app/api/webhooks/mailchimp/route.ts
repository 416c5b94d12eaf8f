// GET (URL validation) and POST (form-encoded audience events) /api/webhooks/mailchimp?secret=…&workspace=…
import { handle } from "@/lib/http/api";
import { answerMailchimpValidation, mailchimpEndpoint } from "@/lib/integrations/mailchimp/webhook";
import { webhookRoute } from "@/lib/webhooks-in/route";

export const dynamic = "force-dynamic";

export const GET = handle(async (request) => answerMailchimpValidation(request));
export const POST = webhookRoute(mailchimpEndpoint);
