// The shapes shared by the inbound webhook core and the provider verifiers and handlers.
import type { Prisma } from "@/lib/generated/prisma/client";
import type { InboundState, SignatureVerdict } from "@/lib/generated/prisma/enums";

export type { InboundState, SignatureVerdict };

/** A delivery whose signature checked out, ready to be stored. */
export interface VerifiedDelivery {
  provider: string;
  workspaceId: string;
  connectionId: string | null;
  /** The provider's event id, or `sha256:<hash of the body>` where the provider has none. */
  dedupeKey: string;
  type: string;
  payload: Prisma.InputJsonValue;
}

/** A refused delivery: only this metadata is recorded (never the body). */
export interface RefusedDelivery {
  verdict: Exclude<SignatureVerdict, "verified">;
  /** Why, in words a person can act on; never contains a secret. */
  reason: string;
  /** Known when the URL or the claimed account pointed at one workspace. */
  workspaceId?: string | null;
  connectionId?: string | null;
}

export type Verification = { ok: true; delivery: VerifiedDelivery } | ({ ok: false } & RefusedDelivery);

/** What the webhook route answers on: the stored row, and whether it was seen before. */
export interface Receipt {
  eventId: string;
  duplicate: boolean;
  state: InboundState;
}

/** A stored event as processing code sees it. */
export interface StoredEvent {
  id: string;
  workspaceId: string;
  connectionId: string | null;
  provider: string;
  type: string;
  payload: Prisma.JsonValue;
  receivedAt: Date;
}

/**
 * A provider's processing: which types it acts on (others are stored as `ignored`) and what it
 * does, inside the transaction that marks the event processed — so an effect happens exactly
 * when the event is marked done, and a failure leaves no half-applied change.
 */
export interface InboundHandler {
  handles(type: string): boolean;
  process(tx: Prisma.TransactionClient, event: StoredEvent): Promise<void>;
}
