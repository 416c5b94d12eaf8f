// POST /api/integrations/[id]/connect — { fields } → validated, tested live, then stored.
// 400 bad fields, 404 unknown provider, 409 coming soon, 422 rejected by the provider, 502 provider unreachable.
import { requireUser } from "@/lib/auth/session";
import { handle, json, readJson } from "@/lib/http/api";
import { connectApiKey } from "@/lib/connections/api-key";
import { fieldsBodySchema } from "@/lib/connections/http";

type Context = { params: Promise<{ id: string }> };

export const POST = handle<Context>(async (request, { params }) => {
  const user = await requireUser(request);
  const { id } = await params;
  const body = await readJson(request, fieldsBodySchema);
  return json(await connectApiKey(user, id, body.fields));
});
