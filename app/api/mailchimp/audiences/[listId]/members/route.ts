// POST /api/mailchimp/audiences/<listId>/members {email, firstName?, lastName?, status?, mergeFields?}
// — adds or updates a contact in the audience.
import { requireUser } from "@/lib/auth/session";
import { listIdSchema, pushContactBodySchema, pushContactToAudience } from "@/lib/contacts/audiences";
import { handle, json, readJson, validate } from "@/lib/http/api";

export const POST = handle<{ params: Promise<{ listId: string }> }>(async (request, context) => {
  const user = await requireUser(request);
  const listId = validate(listIdSchema, (await context.params).listId, "listId");
  const body = await readJson(request, pushContactBodySchema);
  return json({ member: await pushContactToAudience(user, listId, body) });
});
