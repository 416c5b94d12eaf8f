// GET /api/mailchimp/audiences — the connected Mailchimp account's audiences.
import { requireUser } from "@/lib/auth/session";
import { workspaceAudiences } from "@/lib/contacts/audiences";
import { handle, json } from "@/lib/http/api";

export const GET = handle(async (request) => {
  const user = await requireUser(request);
  return json({ audiences: await workspaceAudiences(user) });
});
