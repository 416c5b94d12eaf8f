import { requireUser } from "@/lib/auth/session";
import { handle, json } from "@/lib/http/api";
import { listTopics } from "@/lib/webinars/sessions";

export const dynamic = "force-dynamic";

export const GET = handle(async (request) => {
  const user = await requireUser(request);
  return json({ topics: await listTopics(user.workspaceId) });
});
