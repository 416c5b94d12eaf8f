// GET /api/health/integrations/history?hours — per integration and hour: calls by outcome, error
// rate, average and p95 latency (the health page's charts), for the caller's workspace.
import { requireUser } from "@/lib/auth/session";
import { healthHistory, historyQuerySchema } from "@/lib/health/history";
import { handle, json, readQuery } from "@/lib/http/api";

export const dynamic = "force-dynamic";

export const GET = handle(async (request) => {
  const user = await requireUser(request);
  return json(await healthHistory(user.workspaceId, readQuery(request, historyQuerySchema)));
});
