// GET    /api/webhook-endpoints/[id] — one endpoint with stats and attempts per day.
// PATCH  /api/webhook-endpoints/[id] — edit name, url, events, headers; pause, resume or enable (status).
// DELETE /api/webhook-endpoints/[id] — delete it with its delivery log.
import { requireUser } from "@/lib/auth/session";
import { handle, json, readJson } from "@/lib/http/api";
import { deleteEndpoint, getEndpoint, updateEndpoint } from "@/lib/webhooks-out/endpoints";
import { updateEndpointSchema } from "@/lib/webhooks-out/schemas";

type Context = { params: Promise<{ id: string }> };

export const GET = handle<Context>(async (request, { params }) => {
  const user = await requireUser(request);
  const { id } = await params;
  return json(await getEndpoint(user, id));
});

export const PATCH = handle<Context>(async (request, { params }) => {
  const user = await requireUser(request);
  const { id } = await params;
  const body = await readJson(request, updateEndpointSchema);
  return json(await updateEndpoint(user, id, body));
});

export const DELETE = handle<Context>(async (request, { params }) => {
  const user = await requireUser(request);
  const { id } = await params;
  return json(await deleteEndpoint(user, id));
});
