// GET /api/integrations/status — every provider's health for the caller's workspace, from the
// database only (no provider is called).
import { requireUser } from "@/lib/auth/session";
import { handle, json } from "@/lib/http/api";
import { integrationStatus } from "@/lib/connections/status";

export const GET = handle(async (request) => {
  const user = await requireUser(request);
  return json({ integrations: await integrationStatus(user.workspaceId), generatedAt: new Date().toISOString() });
});
