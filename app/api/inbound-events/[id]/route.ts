// GET /api/inbound-events/<id> — one delivery with its payload.
import { requireUser } from "@/lib/auth/session";
import { handle, json } from "@/lib/http/api";
import { getInboundEvent } from "@/lib/webhooks-in/admin";

export const GET = handle<{ params: Promise<{ id: string }> }>(async (request, context) => {
  const user = await requireUser(request);
  return json(await getInboundEvent(user.workspaceId, (await context.params).id.slice(0, 64)));
});
