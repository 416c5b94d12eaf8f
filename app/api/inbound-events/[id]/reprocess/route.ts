// POST /api/inbound-events/<id>/reprocess — re-runs processing of a failed, ignored or unprocessed event (admins).
import { requireUser } from "@/lib/auth/session";
import { handle, json } from "@/lib/http/api";
import { reprocessInboundEvent } from "@/lib/webhooks-in/admin";

export const POST = handle<{ params: Promise<{ id: string }> }>(async (request, context) => {
  const user = await requireUser(request);
  return json(await reprocessInboundEvent(user, (await context.params).id.slice(0, 64)));
});
