// GET /api/inbound-events?page&pageSize&provider&state&signature&type — the workspace's webhook
// deliveries, newest first, with counts per state.
import { requireUser } from "@/lib/auth/session";
import { handle, json, readQuery } from "@/lib/http/api";
import { inboundQuerySchema, listInboundEvents } from "@/lib/webhooks-in/admin";

export const GET = handle(async (request) => {
  const user = await requireUser(request);
  return json(await listInboundEvents(user.workspaceId, readQuery(request, inboundQuerySchema)));
});
