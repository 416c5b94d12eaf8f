// The dashboard's view of inbound events: a filtered page with counts per state, one event with
// its payload, and "Reprocess" — always within the caller's workspace.
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import { actorOf, type SessionUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { InboundState, SignatureVerdict } from "@/lib/generated/prisma/enums";
import { ApiError, notFound } from "@/lib/http/api";
import { hasSlot, providersWith } from "@/lib/integrations/registry";
import { interprets, processInboundEvent } from "@/lib/webhooks-in/store";

export const INBOUND_STATES = ["received", "processing", "processed", "failed", "ignored", "rejected"] as const satisfies readonly InboundState[];
export const SIGNATURE_VERDICTS = ["verified", "missing", "invalid", "stale"] as const satisfies readonly SignatureVerdict[];
export const INBOUND_MAX_PAGE_SIZE = 100;

const blank = (v: unknown) => (v === "" ? undefined : v);

/** Providers whose webhooks Plugboard receives (the `inbound` slot), as the filter accepts them. */
export function inboundProviderIds(): string[] {
  return providersWith("inbound").map((p) => p.id);
}

export const inboundQuerySchema = z.object({
  page: z.preprocess(blank, z.coerce.number().int("page must be a whole number").min(1, "page starts at 1").max(100_000).default(1)),
  pageSize: z.preprocess(
    blank,
    z.coerce.number().int().min(1, "pageSize must be at least 1").max(INBOUND_MAX_PAGE_SIZE, `pageSize is at most ${INBOUND_MAX_PAGE_SIZE}`).default(25),
  ),
  provider: z.preprocess(
    blank,
    z
      .string()
      .refine((id) => hasSlot(id, "inbound"), { error: () => `provider is one of ${inboundProviderIds().join(", ")}` })
      .optional(),
  ),
  state: z.preprocess(blank, z.enum(INBOUND_STATES, `state is one of ${INBOUND_STATES.join(", ")}`).optional()),
  signature: z.preprocess(blank, z.enum(SIGNATURE_VERDICTS, `signature is one of ${SIGNATURE_VERDICTS.join(", ")}`).optional()),
  type: z.preprocess(blank, z.string().max(100).optional()),
});

export type InboundQuery = z.infer<typeof inboundQuerySchema>;

export interface InboundEventItem {
  id: string;
  provider: string;
  type: string;
  dedupeKey: string | null;
  receivedAt: string;
  signature: SignatureVerdict;
  state: InboundState;
  attempts: number;
  deliveries: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  processedAt: string | null;
  bodyBytes: number;
  /** Whether Reprocess applies (a failed, ignored or unprocessed event of a provider with processing). */
  canReprocess: boolean;
}

export interface InboundEventPage {
  items: InboundEventItem[];
  page: number;
  pageSize: number;
  total: number;
  /** Events per state in the workspace (all of them, unfiltered), for the summary. */
  counts: Record<InboundState, number>;
}

export interface InboundEventDetail extends InboundEventItem {
  payload: Prisma.JsonValue | null;
}

const REPROCESSABLE: readonly InboundState[] = ["received", "failed", "ignored"];

const ITEM_SELECT = {
  id: true,
  provider: true,
  type: true,
  dedupeKey: true,
  receivedAt: true,
  signature: true,
  state: true,
  attempts: true,
  deliveries: true,
  lastError: true,
  nextAttemptAt: true,
  processedAt: true,
  bodyBytes: true,
} as const;

type ItemRow = Prisma.InboundEventGetPayload<{ select: typeof ITEM_SELECT }>;

async function canReprocess(row: Pick<ItemRow, "state" | "provider" | "type">): Promise<boolean> {
  return REPROCESSABLE.includes(row.state) && (await interprets(row.provider, row.type));
}

async function item(row: ItemRow): Promise<InboundEventItem> {
  return {
    ...row,
    receivedAt: row.receivedAt.toISOString(),
    nextAttemptAt: row.nextAttemptAt?.toISOString() ?? null,
    processedAt: row.processedAt?.toISOString() ?? null,
    canReprocess: await canReprocess(row),
  };
}

export async function listInboundEvents(workspaceId: string, query: InboundQuery): Promise<InboundEventPage> {
  const db = await getDb();
  const where: Prisma.InboundEventWhereInput = {
    workspaceId,
    ...(query.provider ? { provider: query.provider } : {}),
    ...(query.state ? { state: query.state } : {}),
    ...(query.signature ? { signature: query.signature } : {}),
    ...(query.type ? { type: { contains: query.type, mode: "insensitive" as const } } : {}),
  };
  const [rows, total, groups] = await Promise.all([
    db.inboundEvent.findMany({ where, orderBy: [{ receivedAt: "desc" }, { id: "desc" }], skip: (query.page - 1) * query.pageSize, take: query.pageSize, select: ITEM_SELECT }),
    db.inboundEvent.count({ where }),
    db.inboundEvent.groupBy({ by: ["state"], where: { workspaceId }, _count: { _all: true } }),
  ]);
  const counts = Object.fromEntries(INBOUND_STATES.map((s) => [s, 0])) as Record<InboundState, number>;
  for (const g of groups) counts[g.state] = g._count._all;
  return { items: await Promise.all(rows.map(item)), page: query.page, pageSize: query.pageSize, total, counts };
}

export async function getInboundEvent(workspaceId: string, id: string): Promise<InboundEventDetail> {
  const db = await getDb();
  const row = await db.inboundEvent.findFirst({ where: { id, workspaceId }, select: { ...ITEM_SELECT, payload: true } });
  if (!row) throw notFound("No such inbound event in this workspace");
  return { ...(await item(row)), payload: row.payload };
}

/** Re-runs processing of a failed, ignored or unprocessed event now, whatever its attempt count. */
export async function reprocessInboundEvent(user: SessionUser, id: string): Promise<InboundEventDetail> {
  if (user.role !== "admin") throw new ApiError(403, "Your account is a viewer: ask an admin to make this change");
  const db = await getDb();
  const row = await db.inboundEvent.findFirst({ where: { id, workspaceId: user.workspaceId }, select: ITEM_SELECT });
  if (!row) throw notFound("No such inbound event in this workspace");
  if (!(await canReprocess(row))) {
    const why =
      row.state === "processed"
        ? "it was already processed"
        : row.state === "rejected"
          ? "its signature was refused, so it was never stored"
          : row.state === "processing"
            ? "it is being processed right now"
            : `Plugboard does not process ${row.provider} ${row.type} events`;
    throw new ApiError(409, `This event cannot be reprocessed: ${why}`);
  }
  // Back to "received" so the usual claim takes it (an ignored event becomes processable).
  const reset = await db.inboundEvent.updateMany({ where: { id, state: row.state }, data: { state: "received", nextAttemptAt: null } });
  if (reset.count === 0) throw new ApiError(409, "The event changed meanwhile; reload and try again");
  await recordAudit(db, {
    workspaceId: user.workspaceId,
    actor: actorOf(user),
    action: "inbound_event.reprocess",
    target: id,
    details: { provider: row.provider, type: row.type, previousState: row.state },
  });
  await processInboundEvent(db, id);
  return getInboundEvent(user.workspaceId, id);
}
