import { actorOf, requireUser } from "@/lib/auth/session";
import { handle, json, readJson, readQuery } from "@/lib/http/api";
import { createRegistration, listRegistrations, registrationInputSchema, registrationListQuerySchema } from "@/lib/webinars/registrations";

export const dynamic = "force-dynamic";

export const GET = handle(async (request) => {
  const user = await requireUser(request);
  return json({ registrations: await listRegistrations(user.workspaceId, readQuery(request, registrationListQuerySchema)) });
});

/** Creates the registration and sends the confirmation email; the answer says whether it went out. */
export const POST = handle(async (request) => {
  const user = await requireUser(request);
  return json(await createRegistration(user.workspaceId, await readJson(request, registrationInputSchema), actorOf(user)), 201);
});
