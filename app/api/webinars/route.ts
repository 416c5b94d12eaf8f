import { requireUser } from "@/lib/auth/session";
import { handle, json, readJson } from "@/lib/http/api";
import { createSession, listSessions, sessionInputSchema } from "@/lib/webinars/sessions";

export const dynamic = "force-dynamic";

export const GET = handle(async (request) => {
  const user = await requireUser(request);
  return json({ sessions: await listSessions(user.workspaceId) });
});

export const POST = handle(async (request) => {
  const user = await requireUser(request);
  return json(await createSession(user.workspaceId, await readJson(request, sessionInputSchema)), 201);
});
