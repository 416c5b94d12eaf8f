// Mailchimp audiences from the dashboard's side: list them, push a contact into one. Each call
// goes through the pipeline on the workspace's Mailchimp connection.
import { z } from "zod";
import { actorOf, type SessionUser } from "@/lib/auth/session";
import { config } from "@/lib/config";
import { ApiError } from "@/lib/http/api";
import { classifyMailchimpError, createMailchimpClient, listAudiences, pushContact, readMailchimpAuth, type Audience, type ContactPush } from "@/lib/integrations/mailchimp/client";
import { callProvider, type CallResult } from "@/lib/pipeline";

export const pushContactBodySchema = z.strictObject({
  email: z.string().trim().pipe(z.email("email must be an email address")),
  firstName: z.string().trim().max(100).optional(),
  lastName: z.string().trim().max(100).optional(),
  status: z.enum(["subscribed", "pending"], "status is subscribed or pending (double opt-in)").default("subscribed"),
  mergeFields: z.record(z.string().regex(/^[A-Z0-9_]{1,10}$/, "merge field tags are upper-case, up to 10 characters"), z.string().max(255)).optional(),
});

export const listIdSchema = z.string().regex(/^[a-zA-Z0-9]{1,32}$/, "listId is a Mailchimp audience id such as a1b2c3d4e5");

async function onMailchimp<T>(user: SessionUser, operation: string, fn: (client: ReturnType<typeof createMailchimpClient>) => Promise<T>): Promise<T> {
  const found = await readMailchimpAuth(user.workspaceId);
  if (!found) throw new ApiError(409, "Mailchimp is not connected in this workspace: connect it under Integrations first");
  const timeoutMs = config().PIPELINE_TIMEOUT_MS;
  const result: CallResult<T> = await callProvider(
    { workspaceId: user.workspaceId, connectionId: found.connectionId, providerId: "mailchimp", operation, actor: actorOf(user) },
    () => fn(createMailchimpClient(found.auth, { timeoutMs })),
    { timeoutMs, classify: classifyMailchimpError },
  );
  if (result.ok) return result.value;
  const retryable = result.category === "transient" || result.category === "rate_limit";
  throw new ApiError(retryable ? 502 : result.statusCode === 404 ? 404 : 422, result.message);
}

export function workspaceAudiences(user: SessionUser): Promise<Audience[]> {
  return onMailchimp(user, "lists.getAllLists", listAudiences);
}

export function pushContactToAudience(user: SessionUser, listId: string, contact: ContactPush) {
  return onMailchimp(user, "lists.setListMember", (client) => pushContact(client, listId, contact));
}
