// GET /api/integrations — the provider catalog: every manifest as data (no code, no schemas).
import { requireUser } from "@/lib/auth/session";
import { handle, json } from "@/lib/http/api";
import { catalog } from "@/lib/integrations/registry";

export const GET = handle(async (request) => {
  await requireUser(request);
  return json({ providers: catalog() });
});
