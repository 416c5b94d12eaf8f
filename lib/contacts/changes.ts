// What contact changes from inbound webhooks do to the local Contact records (whichever marketing
// provider reported them): subscribed creates or re-subscribes, unsubscribed opts out,
// profile_updated updates fields, cleaned marks the address bounced, email_changed moves the
// address (merging into an existing contact of the new address). contact.created / contact.updated
// are raised in the same transaction as the change. Registered for the `contact.*` changes in
// lib/webhooks-in/handlers.ts.
import { emitEvent } from "@/lib/events";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { ContactStatus } from "@/lib/generated/prisma/enums";
import type { ChangeOf, ChangeOrigin } from "@/lib/integrations/kit/ports/inbound";

type Tx = Prisma.TransactionClient;
type ContactRow = Prisma.ContactGetPayload<object>;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

function jsonObject(value: Prisma.JsonValue): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

async function announce(tx: Tx, workspaceId: string, contact: ContactRow, created: boolean): Promise<void> {
  await emitEvent(tx, {
    workspaceId,
    type: created ? "contact.created" : "contact.updated",
    data: { contactId: contact.id, email: contact.email, status: contact.status, source: contact.source },
  });
}

interface Update {
  status?: ContactStatus;
  name?: string;
  mergeFields?: Record<string, unknown>;
  listId?: string;
  optedOutAt?: Date | null;
  cleanedAt?: Date | null;
}

/** Creates the contact with `createStatus` (its source: the provider), or applies the update to the existing one. */
async function upsertContact(tx: Tx, origin: ChangeOrigin, email: string, createStatus: ContactStatus, update: Update): Promise<void> {
  const { workspaceId } = origin;
  const existing = await tx.contact.findUnique({ where: { workspaceId_email: { workspaceId, email } } });
  if (!existing) {
    const contact = await tx.contact.create({
      data: {
        workspaceId,
        email,
        source: origin.provider,
        status: update.status ?? createStatus,
        name: update.name ?? null,
        mergeFields: (update.mergeFields ?? {}) as Prisma.InputJsonValue,
        listId: update.listId ?? null,
        optedOutAt: update.optedOutAt ?? null,
        cleanedAt: update.cleanedAt ?? null,
      },
    });
    return announce(tx, workspaceId, contact, true);
  }
  const contact = await tx.contact.update({
    where: { id: existing.id },
    data: {
      ...(update.status ? { status: update.status } : {}),
      ...(update.name ? { name: update.name } : {}),
      ...(update.mergeFields ? { mergeFields: { ...jsonObject(existing.mergeFields), ...update.mergeFields } as Prisma.InputJsonValue } : {}),
      ...(update.listId ? { listId: update.listId } : {}),
      ...(update.optedOutAt !== undefined ? { optedOutAt: update.optedOutAt } : {}),
      ...(update.cleanedAt !== undefined ? { cleanedAt: update.cleanedAt } : {}),
    },
  });
  return announce(tx, workspaceId, contact, false);
}

export function subscribed(tx: Tx, change: ChangeOf<"contact.subscribed">, origin: ChangeOrigin): Promise<void> {
  return upsertContact(tx, origin, normalizeEmail(change.email), "subscribed", {
    status: "subscribed",
    name: change.name,
    mergeFields: change.mergeFields ?? {},
    listId: change.listId,
    optedOutAt: null,
    cleanedAt: null,
  });
}

export function unsubscribed(tx: Tx, change: ChangeOf<"contact.unsubscribed">, origin: ChangeOrigin): Promise<void> {
  return upsertContact(tx, origin, normalizeEmail(change.email), "unsubscribed", { status: "unsubscribed", name: change.name, listId: change.listId, optedOutAt: change.at });
}

export function profileUpdated(tx: Tx, change: ChangeOf<"contact.profile_updated">, origin: ChangeOrigin): Promise<void> {
  return upsertContact(tx, origin, normalizeEmail(change.email), "subscribed", { name: change.name, mergeFields: change.mergeFields ?? {}, listId: change.listId });
}

export function cleaned(tx: Tx, change: ChangeOf<"contact.cleaned">, origin: ChangeOrigin): Promise<void> {
  return upsertContact(tx, origin, normalizeEmail(change.email), "cleaned", { status: "cleaned", listId: change.listId, cleanedAt: change.at });
}

/** The old address becomes the new one; an existing contact of the new address absorbs the old. */
export async function emailChanged(tx: Tx, change: ChangeOf<"contact.email_changed">, origin: ChangeOrigin): Promise<void> {
  const { workspaceId } = origin;
  const oldEmail = normalizeEmail(change.oldEmail);
  const newEmail = normalizeEmail(change.newEmail);
  const [old, current] = await Promise.all([
    tx.contact.findUnique({ where: { workspaceId_email: { workspaceId, email: oldEmail } } }),
    tx.contact.findUnique({ where: { workspaceId_email: { workspaceId, email: newEmail } } }),
  ]);
  if (old && current) {
    const merged = await tx.contact.update({
      where: { id: current.id },
      data: {
        name: current.name ?? old.name,
        mergeFields: { ...jsonObject(old.mergeFields), ...jsonObject(current.mergeFields) } as Prisma.InputJsonValue,
        listId: current.listId ?? old.listId ?? change.listId ?? null,
      },
    });
    await tx.contact.delete({ where: { id: old.id } });
    return announce(tx, workspaceId, merged, false);
  }
  if (old) {
    const renamed = await tx.contact.update({ where: { id: old.id }, data: { email: newEmail } });
    return announce(tx, workspaceId, renamed, false);
  }
  if (!current) return upsertContact(tx, origin, newEmail, "subscribed", { listId: change.listId });
}

/** The handlers of the `contact.*` changes, by kind. */
export const contactChanges = {
  "contact.subscribed": subscribed,
  "contact.unsubscribed": unsubscribed,
  "contact.profile_updated": profileUpdated,
  "contact.cleaned": cleaned,
  "contact.email_changed": emailChanged,
};
