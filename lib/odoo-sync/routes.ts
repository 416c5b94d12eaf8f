// The handlers of /api/integrations/odoo/sync-{leads,events,topics}: GET the progress and recent
// reports, POST to run the sync now (admins; leads take an optional { batchSize }).
import { actorOf, requireUser } from "@/lib/auth/session";
import { handle, json, readJson } from "@/lib/http/api";
import { leadSyncBodySchema, runOdooSync, syncOverview, type SyncKind } from "@/lib/odoo-sync";

export function syncRouteHandlers(kind: SyncKind) {
  return {
    GET: handle(async (request) => {
      const user = await requireUser(request);
      return json(await syncOverview(user.workspaceId, kind));
    }),
    POST: handle(async (request) => {
      const user = await requireUser(request);
      // The body is optional: an empty POST uses the configured batch size.
      const hasBody = kind === "leads" && request.body !== null && request.headers.get("content-length") !== "0";
      const body = hasBody ? await readJson(request, leadSyncBodySchema) : {};
      return json(await runOdooSync(kind, user.workspaceId, { trigger: "manual", actor: actorOf(user), batchSize: body.batchSize }));
    }),
  };
}
