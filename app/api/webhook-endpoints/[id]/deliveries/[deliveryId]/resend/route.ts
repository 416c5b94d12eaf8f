// POST /api/webhook-endpoints/[id]/deliveries/[deliveryId]/resend — sends the delivery again now
// and answers with its attempts.
import { requireUser } from "@/lib/auth/session";
import { handle, json } from "@/lib/http/api";
import { resendDelivery } from "@/lib/webhooks-out/deliveries";

type Context = { params: Promise<{ id: string; deliveryId: string }> };

export const POST = handle<Context>(async (request, { params }) => {
  const user = await requireUser(request);
  const { id, deliveryId } = await params;
  return json(await resendDelivery(user, id, deliveryId));
});
