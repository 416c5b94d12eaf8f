// Effects of Mailchimp audience events on the local Contact records: subscribe creates or
// re-subscribes, unsubscribe opts out, profile updates fields, cleaned marks the address bounced,
// upemail changes the address (merging into an existing contact of the new address), campaign is
// kept as the stored event only. contact.created / contact.updated are raised in the same
// transaction as the change.
import { emitEvent } from "@/lib/events";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { ContactStatus } from "@/lib/generated/prisma/enums";
import { MAILCHIMP_EVENT_TYPES, parseFiredAt, type FormTree } from "@/lib/integrations/mailchimp/webhook";
import type { InboundHandler, StoredEvent } from "@/lib/webhooks-in/types";

type Tx = Prisma.TransactionClient;
type ContactRow = Prisma.ContactGetPayload<object>;

const SOURCE = "mailchimp";

function str(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() ? value.trim() : undefined;
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Merge fields as flat strings (nested groupings are kept as they came). */
function mergeFieldsOf(data: FormTree): Record<string, unknown> {
  const merges = data.merges;
  if (!merges || typeof merges !== "object") return {};
  const { EMAIL: _email, ...rest } = merges;
  return rest;
}

function nameOf(merges: Record<string, unknown>): string | undefined {
  const name = [str(merges.FNAME), str(merges.LNAME)].filter(Boolean).join(" ");
  return name || undefined;
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

interface Change {
  status?: ContactStatus;
  name?: string;
  mergeFields?: Record<string, unknown>;
  listId?: string;
  optedOutAt?: Date | null;
  cleanedAt?: Date | null;
}

/** Creates the contact with `create`'s status, or applies the change to the existing one. */
async function upsertContact(tx: Tx, workspaceId: string, email: string, createStatus: ContactStatus, change: Change): Promise<void> {
  const existing = await tx.contact.findUnique({ where: { workspaceId_email: { workspaceId, email } } });
  if (!existing) {
    const contact = await tx.contact.create({
      data: {
        workspaceId,
        email,
        source: SOURCE,
        status: change.status ?? createStatus,
        name: change.name ?? null,
        mergeFields: (change.mergeFields ?? {}) as Prisma.InputJsonValue,
        listId: change.listId ?? null,
        optedOutAt: change.optedOutAt ?? null,
        cleanedAt: change.cleanedAt ?? null,
      },
    });
    return announce(tx, workspaceId, contact, true);
  }
  const contact = await tx.contact.update({
    where: { id: existing.id },
    data: {
      ...(change.status ? { status: change.status } : {}),
      ...(change.name ? { name: change.name } : {}),
      ...(change.mergeFields ? { mergeFields: { ...jsonObject(existing.mergeFields), ...change.mergeFields } as Prisma.InputJsonValue } : {}),
      ...(change.listId ? { listId: change.listId } : {}),
      ...(change.optedOutAt !== undefined ? { optedOutAt: change.optedOutAt } : {}),
      ...(change.cleanedAt !== undefined ? { cleanedAt: change.cleanedAt } : {}),
    },
  });
  return announce(tx, workspaceId, contact, false);
}

/** upemail: the old address becomes the new one; an existing contact of the new address absorbs the old. */
async function changeEmail(tx: Tx, workspaceId: string, oldEmail: string, newEmail: string, listId: string | undefined): Promise<void> {
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
        listId: current.listId ?? old.listId ?? listId ?? null,
      },
    });
    await tx.contact.delete({ where: { id: old.id } });
    return announce(tx, workspaceId, merged, false);
  }
  if (old) {
    const renamed = await tx.contact.update({ where: { id: old.id }, data: { email: newEmail } });
    return announce(tx, workspaceId, renamed, false);
  }
  if (!current) return upsertContact(tx, workspaceId, newEmail, "subscribed", { listId });
}

async function processMailchimpEvent(tx: Tx, event: StoredEvent): Promise<void> {
  const form = event.payload as FormTree;
  const data = (typeof form?.data === "object" ? form.data : {}) as FormTree;
  const firedAt = parseFiredAt(form?.fired_at) ?? event.receivedAt;
  const listId = str(data.list_id);
  const { workspaceId } = event;
  if (event.type === "campaign") return; // recorded as the stored event itself
  if (event.type === "upemail") {
    const oldEmail = str(data.old_email);
    const newEmail = str(data.new_email);
    if (!oldEmail || !newEmail) throw new Error("upemail without old_email and new_email");
    return changeEmail(tx, workspaceId, normalizeEmail(oldEmail), normalizeEmail(newEmail), listId);
  }
  const rawEmail = str(data.email);
  if (!rawEmail) throw new Error(`${event.type} without data[email]`);
  const email = normalizeEmail(rawEmail);
  const mergeFields = mergeFieldsOf(data);
  const name = nameOf(mergeFields);
  switch (event.type) {
    case "subscribe":
      return upsertContact(tx, workspaceId, email, "subscribed", { status: "subscribed", name, mergeFields, listId, optedOutAt: null, cleanedAt: null });
    case "unsubscribe":
      return upsertContact(tx, workspaceId, email, "unsubscribed", { status: "unsubscribed", name, listId, optedOutAt: firedAt });
    case "profile":
      return upsertContact(tx, workspaceId, email, "subscribed", { name, mergeFields, listId });
    case "cleaned":
      return upsertContact(tx, workspaceId, email, "cleaned", { status: "cleaned", listId, cleanedAt: firedAt });
  }
}

export const mailchimpEventHandler: InboundHandler = {
  handles: (type) => (MAILCHIMP_EVENT_TYPES as readonly string[]).includes(type),
  process: processMailchimpEvent,
};
