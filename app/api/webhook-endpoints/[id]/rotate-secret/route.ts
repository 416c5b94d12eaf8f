// POST /api/webhook-endpoints/[id]/rotate-secret — a new signing secret (shown once); the old one
// keeps signing alongside it for 24 hours.
import { requireUser } from "@/lib/auth/session";
import { handle, json } from "@/lib/http/api";
import { rotateSecret } from "@/lib/webhooks-out/endpoints";

type Context = { params: Promise<{ id: string }> };

export const POST = handle<Context>(async (request, { params }) => {
  const user = await requireUser(request);
  const { id } = await params;
  return json(await rotateSecret(user, id));
});
