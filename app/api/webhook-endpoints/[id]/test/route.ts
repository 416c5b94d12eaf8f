// POST /api/webhook-endpoints/[id]/test — sends a webhook.test event now; answers with the
// delivery and its attempt (a failed attempt is a 200 too: the request worked, the endpoint said no).
import { requireUser } from "@/lib/auth/session";
import { handle, json } from "@/lib/http/api";
import { sendTestEvent } from "@/lib/webhooks-out/deliveries";

type Context = { params: Promise<{ id: string }> };

export const POST = handle<Context>(async (request, { params }) => {
  const user = await requireUser(request);
  const { id } = await params;
  return json(await sendTestEvent(user, id));
});
