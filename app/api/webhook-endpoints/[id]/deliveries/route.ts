// GET /api/webhook-endpoints/[id]/deliveries?page&pageSize&status — the endpoint's deliveries,
// newest first, each with its attempts.
import { requireUser } from "@/lib/auth/session";
import { handle, json, readQuery } from "@/lib/http/api";
import { listDeliveries } from "@/lib/webhooks-out/deliveries";
import { deliveriesQuerySchema } from "@/lib/webhooks-out/schemas";

type Context = { params: Promise<{ id: string }> };

export const GET = handle<Context>(async (request, { params }) => {
  const user = await requireUser(request);
  const { id } = await params;
  return json(await listDeliveries(user, id, readQuery(request, deliveriesQuerySchema)));
});
