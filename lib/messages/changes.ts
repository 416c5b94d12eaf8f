// What message changes from inbound webhooks do (whichever provider reported them): a status moves
// the message's delivery status forward; an incoming message is stored and raises message.received
// in the same transaction. Registered for the `message.*` changes in lib/webhooks-in/handlers.ts.
import { emitEvent } from "@/lib/events";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { ChangeOf, ChangeOrigin } from "@/lib/integrations/kit/ports/inbound";
import { isLaterStatus } from "@/lib/messages/status";

type Tx = Prisma.TransactionClient;

export async function applyStatus(tx: Tx, change: ChangeOf<"message.status">, origin: ChangeOrigin): Promise<void> {
  const message = await tx.message.findUnique({ where: { workspaceId_providerSid: { workspaceId: origin.workspaceId, providerSid: change.sid } } });
  // The callback can overtake the send call's own answer; the retry job (or the send, once it knows the id) tries again.
  if (!message) throw new Error(`No message ${change.sid} in this workspace yet`);
  if (!isLaterStatus(message.status, change.status)) return;
  await tx.message.update({
    where: { id: message.id },
    data: {
      status: change.status,
      statusAt: origin.receivedAt,
      ...(change.errorCode !== null ? { errorCode: change.errorCode, errorMessage: change.errorMessage ?? `Error ${change.errorCode}` } : {}),
    },
  });
}

export async function storeReceived(tx: Tx, change: ChangeOf<"message.received">, origin: ChangeOrigin): Promise<void> {
  const { workspaceId } = origin;
  const existing = await tx.message.findUnique({ where: { workspaceId_providerSid: { workspaceId, providerSid: change.sid } }, select: { id: true } });
  if (existing) return;
  const message = await tx.message.create({
    data: {
      workspaceId,
      connectionId: origin.connectionId,
      direction: "inbound",
      providerSid: change.sid,
      from: change.from,
      to: change.to,
      body: change.body,
      status: "received",
      statusAt: origin.receivedAt,
    },
  });
  await emitEvent(tx, { workspaceId, type: "message.received", data: { messageId: message.id, messageSid: change.sid, from: message.from, to: message.to, body: message.body } });
}

/** The handlers of the `message.*` changes, by kind. */
export const messageChanges = {
  "message.status": applyStatus,
  "message.received": storeReceived,
};
