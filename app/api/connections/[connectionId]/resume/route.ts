// POST /api/connections/[connectionId]/resume — lets the connection call its provider again (admins only).
import { requireUser } from "@/lib/auth/session";
import { resumeConnection } from "@/lib/connections/pause";
import { connectionIdSchema } from "@/lib/connections/http";
import { handle, json, validate } from "@/lib/http/api";

type Context = { params: Promise<{ connectionId: string }> };

export const POST = handle<Context>(async (request, { params }) => {
  const user = await requireUser(request);
  const connectionId = validate(connectionIdSchema, (await params).connectionId);
  return json({ status: await resumeConnection(user, connectionId) });
});
