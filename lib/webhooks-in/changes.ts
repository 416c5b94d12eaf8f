// The business side of inbound webhooks: a handler per change kind, run inside the transaction
// that marks the event processed — so an effect happens exactly when the event is marked done,
// and a failure leaves no half-applied change. Business modules (payments, SMS, contacts) export
// plain maps of these handlers typed with the kit's change shapes only (they never import this
// folder); lib/webhooks-in/handlers.ts registers them by domain and the type check happens there.
import type { Prisma } from "@/lib/generated/prisma/client";
import type { ChangeOf, ChangeOrigin, InboundChangeKind } from "@/lib/integrations/kit/ports/inbound";

type DomainOf<K> = K extends `${infer D}.${string}` ? D : never;

/** The part of a change kind before the dot: which business module acts on it. */
export type ChangeDomain = DomainOf<InboundChangeKind>;

export type ChangeHandler<K extends InboundChangeKind> = (tx: Prisma.TransactionClient, change: ChangeOf<K>, origin: ChangeOrigin) => Promise<void>;

/** One business module's handlers: exactly one for each change kind of its domain. */
export type DomainHandlers<D extends ChangeDomain> = { [K in Extract<InboundChangeKind, `${D}.${string}`>]: ChangeHandler<K> };

export function domainOf(kind: InboundChangeKind): ChangeDomain {
  return kind.slice(0, kind.indexOf(".")) as ChangeDomain;
}
