// POST /api/connections/[connectionId]/test — tests the connection's stored credentials live. A
// failed test is a 200 with { ok: false, message, category }: the request worked, the provider said no.
import { requireUser } from "@/lib/auth/session";
import { handle, json, validate } from "@/lib/http/api";
import { testConnection } from "@/lib/connections/api-key";
import { connectionIdSchema } from "@/lib/connections/http";

type Context = { params: Promise<{ connectionId: string }> };

export const POST = handle<Context>(async (request, { params }) => {
  const user = await requireUser(request);
  const connectionId = validate(connectionIdSchema, (await params).connectionId);
  return json(await testConnection(user, { connectionId }));
});
