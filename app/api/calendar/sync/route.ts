// POST /api/calendar/sync — pull calendar changes now ({ calendar? }: one calendar, else all).
// GET /api/calendar/sync — where each calendar's sync stands.
import { z } from "zod";
import { actorOf, requireUser } from "@/lib/auth/session";
import { calendarRefSchema } from "@/lib/calendar/session";
import { syncStatus, syncWorkspaceCalendars } from "@/lib/calendar/sync";
import { handle, json, readJson } from "@/lib/http/api";

const bodySchema = z.strictObject({ calendar: calendarRefSchema.optional() });

export const GET = handle(async (request) => {
  const user = await requireUser(request);
  return json({ providers: await syncStatus(user.workspaceId) });
});

export const POST = handle(async (request) => {
  const user = await requireUser(request);
  // An empty body syncs everything.
  const hasBody = Number(request.headers.get("content-length") ?? "0") > 0 || request.headers.has("content-type");
  const { calendar } = hasBody ? await readJson(request, bodySchema) : { calendar: undefined };
  const results = await syncWorkspaceCalendars(user.workspaceId, actorOf(user), calendar);
  return json({ results, providers: await syncStatus(user.workspaceId) });
});
