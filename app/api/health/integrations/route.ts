// GET /api/health/integrations?windowMinutes — each connected integration's health over the
// window (status, reasons, error rate, latency, failure streak, circuit) and every provider's
// rate limits in force, for the caller's workspace. Reads the database only.
import { requireUser } from "@/lib/auth/session";
import { healthOverview, healthQuerySchema } from "@/lib/health/overview";
import { handle, json, readQuery } from "@/lib/http/api";

export const dynamic = "force-dynamic";

export const GET = handle(async (request) => {
  const user = await requireUser(request);
  return json(await healthOverview(user.workspaceId, readQuery(request, healthQuerySchema)));
});
