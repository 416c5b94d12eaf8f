import { actorOf, requireUser } from "@/lib/auth/session";
import { handle, json } from "@/lib/http/api";
import { runOdooSync, syncOverview } from "@/lib/odoo-sync";

export const dynamic = "force-dynamic";

/** The run in progress (done / total) and the recent runs with their reports. */
export const GET = handle(async (request) => {
  const user = await requireUser(request);
  return json(await syncOverview(user.workspaceId, "events"));
});

/** Runs the sync now and answers its report (processed / successful / failed with reasons). */
export const POST = handle(async (request) => {
  const user = await requireUser(request);
  return json(await runOdooSync("events", user.workspaceId, { trigger: "manual", actor: actorOf(user) }));
});
