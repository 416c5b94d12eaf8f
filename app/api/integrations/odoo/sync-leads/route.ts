import { actorOf, requireUser } from "@/lib/auth/session";
import { handle, json, readJson } from "@/lib/http/api";
import { leadSyncBodySchema, runOdooSync, syncOverview } from "@/lib/odoo-sync";

export const dynamic = "force-dynamic";

/** The run in progress (done / total) and the recent runs with their reports. */
export const GET = handle(async (request) => {
  const user = await requireUser(request);
  return json(await syncOverview(user.workspaceId, "leads"));
});

/** Runs the sync now and answers its report (processed / successful / failed with reasons). */
export const POST = handle(async (request) => {
  const user = await requireUser(request);
  // The body is optional: an empty POST uses the configured batch size.
  const body = request.headers.get("content-length") === "0" || !request.body ? {} : await readJson(request, leadSyncBodySchema);
  return json(await runOdooSync("leads", user.workspaceId, { trigger: "manual", actor: actorOf(user), batchSize: body.batchSize }));
});
