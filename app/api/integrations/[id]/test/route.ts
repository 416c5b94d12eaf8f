// POST /api/integrations/[id]/test — tests the stored credentials live. A failed test is a 200
// with { ok: false, message, category }: the request worked, the provider said no.
import { requireUser } from "@/lib/auth/session";
import { handle, json } from "@/lib/http/api";
import { testConnection } from "@/lib/connections/api-key";

type Context = { params: Promise<{ id: string }> };

export const POST = handle<Context>(async (request, { params }) => {
  const user = await requireUser(request);
  const { id } = await params;
  return json(await testConnection(user, { providerId: id }));
});
