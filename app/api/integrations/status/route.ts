// GET /api/integrations/status — the workspace's connections (one dashboard card each, with the
// capabilities each is the default of) and every provider's status, from the database only (no
// provider is called).
import { requireUser } from "@/lib/auth/session";
import { handle, json } from "@/lib/http/api";
import { workspaceStatus } from "@/lib/connections/status";

export const GET = handle(async (request) => {
  const user = await requireUser(request);
  return json({ ...(await workspaceStatus(user.workspaceId)), generatedAt: new Date().toISOString() });
});
