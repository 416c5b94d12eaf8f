// Addressed by provider: the provider's only connection (409 when the workspace holds several; use
// /api/connections/[connectionId] then).
// GET    /api/integrations/[id] — one provider's connection: status, which secrets are set, settings.
// PATCH  /api/integrations/[id] — change some credential fields ({ fields }); re-tested before saving.
// DELETE /api/integrations/[id] — disconnect: wipe the credential (idempotent).
import { requireUser } from "@/lib/auth/session";
import { handle, json, readJson } from "@/lib/http/api";
import { disconnect, getConnection, updateConnection } from "@/lib/connections/api-key";
import { fieldsBodySchema } from "@/lib/connections/http";

type Context = { params: Promise<{ id: string }> };

export const GET = handle<Context>(async (request, { params }) => {
  const user = await requireUser(request);
  const { id } = await params;
  return json(await getConnection(user, { providerId: id }));
});

export const PATCH = handle<Context>(async (request, { params }) => {
  const user = await requireUser(request);
  const { id } = await params;
  const body = await readJson(request, fieldsBodySchema);
  return json(await updateConnection(user, { providerId: id }, body.fields));
});

export const DELETE = handle<Context>(async (request, { params }) => {
  const user = await requireUser(request);
  const { id } = await params;
  return json(await disconnect(user, { providerId: id }));
});
