// Processing of stored Twilio callbacks: a status callback moves the message's delivery status
// forward; an incoming message is stored and raises message.received in the same transaction.
import { emitEvent } from "@/lib/events";
import type { Prisma } from "@/lib/generated/prisma/client";
import { isLaterStatus } from "@/lib/sms/status";
import type { InboundHandler, StoredEvent } from "@/lib/webhooks-in/types";

type Tx = Prisma.TransactionClient;

function params(event: StoredEvent): Record<string, string> {
  const p = event.payload;
  return p && typeof p === "object" && !Array.isArray(p) ? (p as Record<string, string>) : {};
}

async function applyStatus(tx: Tx, event: StoredEvent): Promise<void> {
  const p = params(event);
  const sid = p.MessageSid ?? p.SmsSid;
  const status = p.MessageStatus ?? p.SmsStatus;
  if (!sid || !status) throw new Error("Status callback without MessageSid and MessageStatus");
  const message = await tx.message.findUnique({ where: { workspaceId_providerSid: { workspaceId: event.workspaceId, providerSid: sid } } });
  // The callback can overtake the send call's own answer; the retry job tries again shortly.
  if (!message) throw new Error(`No message ${sid} in this workspace yet`);
  if (!isLaterStatus(message.status, status)) return;
  const errorCode = p.ErrorCode ? Number(p.ErrorCode) : null;
  await tx.message.update({
    where: { id: message.id },
    data: {
      status,
      statusAt: event.receivedAt,
      ...(errorCode !== null && Number.isInteger(errorCode) ? { errorCode, errorMessage: p.ErrorMessage ?? `Twilio error ${errorCode}` } : {}),
    },
  });
}

async function storeInbound(tx: Tx, event: StoredEvent): Promise<void> {
  const p = params(event);
  const sid = p.MessageSid ?? p.SmsSid;
  if (!sid || !p.From || !p.To) throw new Error("Incoming message without MessageSid, From and To");
  const existing = await tx.message.findUnique({ where: { workspaceId_providerSid: { workspaceId: event.workspaceId, providerSid: sid } }, select: { id: true } });
  if (existing) return;
  const message = await tx.message.create({
    data: {
      workspaceId: event.workspaceId,
      connectionId: event.connectionId,
      direction: "inbound",
      providerSid: sid,
      from: p.From,
      to: p.To,
      body: p.Body ?? "",
      status: "received",
      statusAt: event.receivedAt,
    },
  });
  await emitEvent(tx, {
    workspaceId: event.workspaceId,
    type: "message.received",
    data: { messageId: message.id, messageSid: sid, from: message.from, to: message.to, body: message.body },
  });
}

export const twilioEventHandler: InboundHandler = {
  handles: (type) => type === "message.status" || type === "message.inbound",
  process: (tx, event) => (event.type === "message.status" ? applyStatus(tx, event) : storeInbound(tx, event)),
};
