// POST /api/sms: an SMS through the workspace's Twilio connection. The message is stored before
// the call (so a status callback that overtakes the answer finds it once the SID is known) and
// keeps the status Twilio's callbacks report.
import { z } from "zod";
import { actorOf, type SessionUser } from "@/lib/auth/session";
import { config, publicBaseUrl } from "@/lib/config";
import { providerFailure } from "@/lib/connections/failures";
import { openCapability } from "@/lib/connections/open";
import { getDb } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { processInboundEvent } from "@/lib/webhooks-in/store";

export const smsBodySchema = z.strictObject({
  to: z
    .string()
    .trim()
    .regex(/^\+[1-9]\d{6,14}$/, "to is a phone number in E.164 format, e.g. +14155550100"),
  body: z.string().min(1, "body is the message text").max(1600, "body is at most 1600 characters (10 SMS segments)"),
});

export const STATUS_CALLBACK_PATH = "/api/webhooks/twilio/status";

export interface MessageView {
  id: string;
  direction: "outbound" | "inbound";
  providerSid: string | null;
  from: string;
  to: string;
  body: string;
  status: string;
  errorCode: number | null;
  errorMessage: string | null;
  statusAt: string | null;
  createdAt: string;
}

export function messageView(m: Prisma.MessageGetPayload<object>): MessageView {
  return {
    id: m.id,
    direction: m.direction,
    providerSid: m.providerSid,
    from: m.from,
    to: m.to,
    body: m.body,
    status: m.status,
    errorCode: m.errorCode,
    errorMessage: m.errorMessage,
    statusAt: m.statusAt?.toISOString() ?? null,
    createdAt: m.createdAt.toISOString(),
  };
}

export async function sendSms(user: SessionUser, input: z.infer<typeof smsBodySchema>): Promise<MessageView> {
  const { connection, port } = await openCapability(user.workspaceId, "sms", { actor: actorOf(user) });
  const { fields } = connection.credentials;
  const db = await getDb();
  const message = await db.message.create({
    data: { workspaceId: user.workspaceId, connectionId: connection.id, direction: "outbound", from: port.sender(fields), to: input.to, body: input.body, status: "pending" },
  });
  const timeoutMs = config().PIPELINE_TIMEOUT_MS;
  const result = await connection.call(
    "messages.create",
    (signal) => port.send(fields, { to: input.to, body: input.body, statusCallback: `${publicBaseUrl()}${STATUS_CALLBACK_PATH}` }, { signal, timeoutMs }),
    // A send is not idempotent at the provider: a retried request after a lost answer would send twice.
    { timeoutMs, maxAttempts: 1 },
  );
  if (!result.ok) {
    await db.message.update({ where: { id: message.id }, data: { status: "failed", errorMessage: result.message, statusAt: new Date() } });
    throw providerFailure(result, `${connection.providerName} did not accept the message`);
  }
  await db.message.update({ where: { id: message.id }, data: { providerSid: result.value.sid, status: result.value.status, statusAt: new Date() } });
  // Status callbacks that overtook this answer failed to find the message; apply them now.
  const early = await db.inboundEvent.findMany({
    where: { workspaceId: user.workspaceId, provider: connection.providerId, type: "message.status", state: "failed", dedupeKey: { startsWith: `${result.value.sid}:` } },
    orderBy: { receivedAt: "asc" },
    select: { id: true },
  });
  for (const { id } of early) await processInboundEvent(db, id);
  return messageView(await db.message.findUniqueOrThrow({ where: { id: message.id } }));
}

export const messagesQuerySchema = z.object({
  limit: z.preprocess((v) => (v === "" ? undefined : v), z.coerce.number().int().min(1).max(200).default(50)),
});

export async function listMessages(workspaceId: string, limit: number): Promise<MessageView[]> {
  const db = await getDb();
  const rows = await db.message.findMany({ where: { workspaceId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: limit });
  return rows.map(messageView);
}
