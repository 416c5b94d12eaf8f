// GET /api/connections/[connectionId]/webhook-url — the URL to register at the provider for this
// connection's webhooks (Mailchimp): whole for an admin, with the secret masked for a viewer.
import { requireUser } from "@/lib/auth/session";
import { connectionIdSchema } from "@/lib/connections/http";
import { getDb } from "@/lib/db/client";
import { handle, json, validate } from "@/lib/http/api";
import { connectionWebhookUrl } from "@/lib/webhooks-in/url-secrets";

type Context = { params: Promise<{ connectionId: string }> };

export const GET = handle<Context>(async (request, { params }) => {
  const user = await requireUser(request);
  const connectionId = validate(connectionIdSchema, (await params).connectionId);
  return json(await connectionWebhookUrl(await getDb(), user, connectionId));
});
