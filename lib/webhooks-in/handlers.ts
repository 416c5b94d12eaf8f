// Which business module acts on each domain of changes. Loaded on first use, like providers'
// ports: the business modules import the inbound core themselves (SMS re-runs the status
// callbacks that overtook a send), so a static import here would make the folders import each
// other. The mapped type makes a new change domain in the kit fail to compile until it has a handler.
import type { Prisma } from "@/lib/generated/prisma/client";
import type { ChangeOrigin, InboundChange, InboundChangeKind } from "@/lib/integrations/kit/ports/inbound";
import { domainOf, type ChangeDomain, type ChangeHandler, type DomainHandlers } from "@/lib/webhooks-in/changes";

const HANDLERS: { [D in ChangeDomain]: () => Promise<DomainHandlers<D>> } = {
  payment: () => import("@/lib/payments/changes").then((m) => m.paymentChanges),
  message: () => import("@/lib/messages/changes").then((m) => m.messageChanges),
  contact: () => import("@/lib/contacts/changes").then((m) => m.contactChanges),
};

/** The business effect of one change, ready to run in the processing transaction. */
export type Effect = (tx: Prisma.TransactionClient, origin: ChangeOrigin) => Promise<void>;

export async function effectOf(change: InboundChange): Promise<Effect> {
  const domain = domainOf(change.kind);
  // A provider registered at run time is type-checked by nobody: an unknown kind is a processing failure, not a crash.
  const handlers = Object.hasOwn(HANDLERS, domain) ? ((await HANDLERS[domain]()) as Partial<Record<InboundChangeKind, ChangeHandler<InboundChangeKind>>>) : {};
  const handler = Object.hasOwn(handlers, change.kind) ? handlers[change.kind] : undefined;
  if (!handler) throw new Error(`Nothing in Plugboard handles ${String(change.kind)} changes`);
  return (tx, origin) => handler(tx, change as never, origin);
}
