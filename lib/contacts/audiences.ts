// Marketing audiences from the dashboard's side: list them, push a contact into one. Each call
// goes through the pipeline on the workspace's marketing connection (the `marketing` slot).
import { z } from "zod";
import { actorOf, type SessionUser } from "@/lib/auth/session";
import { config } from "@/lib/config";
import { openCapability, type OpenConnection } from "@/lib/connections/open";
import { ApiError } from "@/lib/http/api";
import type { Audience, ContactPush, MarketingClient, PushedContact } from "@/lib/integrations/kit/ports/marketing";

export const pushContactBodySchema = z.strictObject({
  email: z.string().trim().pipe(z.email("email must be an email address")),
  firstName: z.string().trim().max(100).optional(),
  lastName: z.string().trim().max(100).optional(),
  status: z.enum(["subscribed", "pending"], "status is subscribed or pending (double opt-in)").default("subscribed"),
  mergeFields: z.record(z.string().regex(/^[A-Z0-9_]{1,10}$/, "merge field tags are upper-case, up to 10 characters"), z.string().max(255)).optional(),
});

export const listIdSchema = z.string().regex(/^[a-zA-Z0-9]{1,32}$/, "listId is a Mailchimp audience id such as a1b2c3d4e5");

async function onMarketing<T>(user: SessionUser, operation: string, what: string, fn: (client: MarketingClient, connection: OpenConnection) => Promise<T>): Promise<T> {
  const { connection, port } = await openCapability(user.workspaceId, "marketing", { actor: actorOf(user) });
  const timeoutMs = config().PIPELINE_TIMEOUT_MS;
  const client = port.open(connection.credentials, { timeoutMs });
  if (!client) throw new ApiError(409, `The ${connection.providerName} connection has incomplete credentials: connect it again under Integrations`);
  return connection.run(operation, () => fn(client, connection), what, { timeoutMs });
}

export function workspaceAudiences(user: SessionUser): Promise<Audience[]> {
  return onMarketing(user, "lists.getAllLists", "Could not read the audiences", (client) => client.listAudiences());
}

export function pushContactToAudience(user: SessionUser, listId: string, contact: ContactPush): Promise<PushedContact> {
  return onMarketing(user, "lists.setListMember", "The contact was not added", (client) => client.pushContact(listId, contact));
}
