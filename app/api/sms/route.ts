// GET /api/sms?limit — recent messages, sent and received. POST /api/sms {to, body} — send one.
import { requireUser } from "@/lib/auth/session";
import { handle, json, readJson, readQuery } from "@/lib/http/api";
import { listMessages, messagesQuerySchema, sendSms, smsBodySchema } from "@/lib/sms/send";

export const GET = handle(async (request) => {
  const user = await requireUser(request);
  const { limit } = readQuery(request, messagesQuerySchema);
  return json({ messages: await listMessages(user.workspaceId, limit) });
});

export const POST = handle(async (request) => {
  const user = await requireUser(request);
  const body = await readJson(request, smsBodySchema);
  return json({ message: await sendSms(user, body) }, 201);
});
