// GET  /api/webhook-endpoints — the workspace's outgoing webhook endpoints with their stats, and
//                               the event catalog they can subscribe to.
// POST /api/webhook-endpoints — create one ({ name, url, events, headers?, status? }); the answer
//                               carries the signing secret, the only time it is ever shown.
import { requireUser } from "@/lib/auth/session";
import { handle, json, readJson } from "@/lib/http/api";
import { createEndpoint, listEndpoints } from "@/lib/webhooks-out/endpoints";
import { createEndpointSchema } from "@/lib/webhooks-out/schemas";

export const GET = handle(async (request) => {
  const user = await requireUser(request);
  return json(await listEndpoints(user));
});

export const POST = handle(async (request) => {
  const user = await requireUser(request);
  const body = await readJson(request, createEndpointSchema);
  return json(await createEndpoint(user, body), 201);
});
