// POST /api/webhook-endpoints/[id]/resend-failed — { since }: queues every failed delivery created
// since then for one more attempt, sent right after the answer ({ queued }).
import { requireUser } from "@/lib/auth/session";
import { handle, json, readJson } from "@/lib/http/api";
import { resendFailedSince } from "@/lib/webhooks-out/deliveries";
import { resendFailedSchema } from "@/lib/webhooks-out/schemas";

type Context = { params: Promise<{ id: string }> };

export const POST = handle<Context>(async (request, { params }) => {
  const user = await requireUser(request);
  const { id } = await params;
  const { since } = await readJson(request, resendFailedSchema);
  return json(await resendFailedSince(user, id, since));
});
