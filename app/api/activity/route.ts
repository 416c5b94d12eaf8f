// GET /api/activity?page&pageSize&providerId&outcome&errorCategory&from&to — the workspace's
// provider calls, newest first.
import { requireUser } from "@/lib/auth/session";
import { handle, json, readQuery } from "@/lib/http/api";
import { activityQuerySchema, listActivity } from "@/lib/connections/activity";

export const GET = handle(async (request) => {
  const user = await requireUser(request);
  const query = readQuery(request, activityQuerySchema);
  return json(await listActivity(user.workspaceId, query));
});
