import { requireUser } from "@/lib/auth/session";
import { createLead, leadInputSchema, leadListQuerySchema, listLeads } from "@/lib/crm/leads";
import { handle, json, readJson, readQuery } from "@/lib/http/api";

export const dynamic = "force-dynamic";

export const GET = handle(async (request) => {
  const user = await requireUser(request);
  return json(await listLeads(user.workspaceId, readQuery(request, leadListQuerySchema)));
});

export const POST = handle(async (request) => {
  const user = await requireUser(request);
  return json(await createLead(user.workspaceId, await readJson(request, leadInputSchema)), 201);
});
