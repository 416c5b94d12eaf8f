import { handle, json } from "@/lib/http/api";
import { requireCronSecret } from "@/lib/http/cron";
import { exportLeadsForAllWorkspaces } from "@/lib/odoo-sync";

export const dynamic = "force-dynamic";
// A run exports every unsent lead, batch by batch; give it the longest a platform allows.
export const maxDuration = 300;

export const GET = handle(async (request) => {
  requireCronSecret(request);
  return json(await exportLeadsForAllWorkspaces());
});
