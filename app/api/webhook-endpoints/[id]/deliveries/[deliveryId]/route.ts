// GET /api/webhook-endpoints/[id]/deliveries/[deliveryId] — one delivery: the body sent and every
// attempt with the endpoint's answer (up to 4 KB).
import { requireUser } from "@/lib/auth/session";
import { handle, json } from "@/lib/http/api";
import { getDelivery } from "@/lib/webhooks-out/deliveries";

type Context = { params: Promise<{ id: string; deliveryId: string }> };

export const GET = handle<Context>(async (request, { params }) => {
  const user = await requireUser(request);
  const { id, deliveryId } = await params;
  return json(await getDelivery(user, id, deliveryId));
});
