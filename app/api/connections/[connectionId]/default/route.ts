// PUT /api/connections/[connectionId]/default — { slot } → this connection becomes the one the
// capability uses when a caller names none (admins; audited). 400 when it cannot fill the slot.
import { z } from "zod";
import { requireUser } from "@/lib/auth/session";
import { handle, json, readJson, validate } from "@/lib/http/api";
import { setDefaultConnection } from "@/lib/connections/choose";
import { connectionIdSchema } from "@/lib/connections/http";

type Context = { params: Promise<{ connectionId: string }> };

const bodySchema = z.strictObject({ slot: z.string({ error: 'Send { "slot": "<capability>" }, e.g. { "slot": "email" }' }).min(1).max(40) });

export const PUT = handle<Context>(async (request, { params }) => {
  const user = await requireUser(request);
  const connectionId = validate(connectionIdSchema, (await params).connectionId);
  const { slot } = await readJson(request, bodySchema);
  return json(await setDefaultConnection(user, slot, connectionId));
});
