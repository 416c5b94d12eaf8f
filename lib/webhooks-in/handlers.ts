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

// What a business module reads for a whole batch of changes at once, before their handlers run in
// the batch's transaction (optional; the handlers read what is missing themselves).
type Prepare = (tx: Prisma.TransactionClient, items: { change: InboundChange; origin: ChangeOrigin }[]) => Promise<void>;
const PREPARE: { [D in ChangeDomain]?: () => Promise<Prepare> } = {
  payment: () => import("@/lib/payments/changes").then((m) => m.preparePaymentChanges),
};

/** Lets each business module read what a batch of changes needs in one go (inside the batch's transaction). */
export async function prepareChanges(tx: Prisma.TransactionClient, items: { change: InboundChange; origin: ChangeOrigin }[]): Promise<void> {
  const domains = new Set(items.map((item) => domainOf(item.change.kind)));
  for (const domain of domains) {
    const prepare = Object.hasOwn(PREPARE, domain) ? PREPARE[domain] : undefined;
    if (prepare)
      await (
        await prepare()
      )(
        tx,
        items.filter((item) => domainOf(item.change.kind) === domain),
      );
  }
}

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
