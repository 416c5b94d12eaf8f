// GET    /api/connections/[connectionId] — one connection: status, which secrets are set, settings.
// PATCH  /api/connections/[connectionId] — change some credential fields ({ fields }); re-tested before saving.
// DELETE /api/connections/[connectionId] — disconnect: revoke where possible, wipe the credential (idempotent).
import { requireUser } from "@/lib/auth/session";
import { handle, json, readJson, validate } from "@/lib/http/api";
import { disconnect, getConnection, updateConnection } from "@/lib/connections/api-key";
import { connectionIdSchema, fieldsBodySchema } from "@/lib/connections/http";

type Context = { params: Promise<{ connectionId: string }> };

const target = async ({ params }: Context) => ({ connectionId: validate(connectionIdSchema, (await params).connectionId) });

export const GET = handle<Context>(async (request, context) => {
  const user = await requireUser(request);
  return json(await getConnection(user, await target(context)));
});

export const PATCH = handle<Context>(async (request, context) => {
  const user = await requireUser(request);
  const connection = await target(context);
  const body = await readJson(request, fieldsBodySchema);
  return json(await updateConnection(user, connection, body.fields));
});

export const DELETE = handle<Context>(async (request, context) => {
  const user = await requireUser(request);
  return json(await disconnect(user, await target(context)));
});
