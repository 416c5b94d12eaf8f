// Which connection to use when a workspace holds several accounts of one provider (two Google
// calendars, two SMTP servers…). Connections are addressed by id; where a caller names none, the
// capability's default is used: the one an admin chose (CapabilityDefault), else the best one —
// healthy before failing, in the registry's order of providers, oldest first. Paused connections
// come last: they are only used to say that the capability is paused.
import { recordAudit } from "@/lib/audit";
import { actorOf } from "@/lib/auth/actor";
import type { SessionUser } from "@/lib/auth/session";
import { getDb, type Db } from "@/lib/db/client";
import { ApiError, notFound } from "@/lib/http/api";
import { CAPABILITY_SLOTS, type CapabilitySlot } from "@/lib/integrations/kit/manifest";
import { getProvider, hasSlot, providersWith } from "@/lib/integrations/registry";

/** A connection that holds credentials (possibly failing or paused): as a query filter, and as a test of a row. */
export const LIVE = { status: { notIn: ["disconnected" as const, "connecting" as const] } };
export const isLive = (row: { status: string }): boolean => row.status !== "disconnected" && row.status !== "connecting";

/** The fields the choice looks at. */
export interface Choosable {
  id: string;
  providerId: string;
  status: string;
  needsReauth: boolean;
  circuitState: string;
  pausedAt: Date | null;
  createdAt: Date;
}

export const CHOOSABLE_SELECT = { id: true, providerId: true, status: true, needsReauth: true, circuitState: true, pausedAt: true, createdAt: true } as const;

const healthy = (row: Choosable) => row.status === "connected" && !row.needsReauth && row.circuitState === "closed";

/** The admin's choices: slot → connection id. */
export async function readDefaults(db: Db, workspaceId: string): Promise<Partial<Record<CapabilitySlot, string>>> {
  const rows = await db.capabilityDefault.findMany({ where: { workspaceId }, select: { slot: true, connectionId: true } });
  return Object.fromEntries(rows.map((r) => [r.slot, r.connectionId]));
}

/**
 * Best first: not paused, the chosen default, healthy, then `providerOrder`, then oldest. Sorts a
 * copy; `chosen` are the connection ids an admin made default (for the slot, or any of the provider's slots).
 */
export function rankConnections<T extends Choosable>(rows: T[], chosen: Set<string>, providerOrder: string[] = []): T[] {
  return rows
    .slice()
    .sort(
      (a, b) =>
        Number(Boolean(a.pausedAt)) - Number(Boolean(b.pausedAt)) ||
        Number(chosen.has(b.id)) - Number(chosen.has(a.id)) ||
        Number(healthy(b)) - Number(healthy(a)) ||
        providerOrder.indexOf(a.providerId) - providerOrder.indexOf(b.providerId) ||
        a.createdAt.getTime() - b.createdAt.getTime() ||
        a.id.localeCompare(b.id),
    );
}

/** The connection ids that are the default of at least one of the provider's slots. */
function defaultsOfProvider(defaults: Partial<Record<CapabilitySlot, string>>, providerId: string): Set<string> {
  return new Set(CAPABILITY_SLOTS.filter((slot) => hasSlot(providerId, slot) && defaults[slot]).map((slot) => defaults[slot]!));
}

/**
 * The provider's connection to use when a caller names only the provider (a calendar ref without
 * a connection, the health of "Google Calendar"): its live connections ranked as above. Null when
 * none holds credentials.
 */
export async function providerDefault(db: Db, workspaceId: string, providerId: string): Promise<Choosable | null> {
  const rows = await db.connection.findMany({ where: { workspaceId, providerId, ...LIVE }, select: CHOOSABLE_SELECT });
  if (rows.length <= 1) return rows[0] ?? null;
  return rankConnections(rows, defaultsOfProvider(await readDefaults(db, workspaceId), providerId))[0]!;
}

/**
 * For routes that address a connection by provider id (kept from before several accounts): the
 * provider's only live connection; without one, its latest disconnected row (or null, never
 * connected). Several live ones are ambiguous for a change: 409 naming the ids to use instead.
 */
export async function onlyProviderConnection<T extends { id: string; status: string }>(
  db: Db,
  workspaceId: string,
  providerId: string,
  find: (where: { workspaceId: string; providerId: string }) => Promise<T[]>,
): Promise<T | null> {
  const rows = await find({ workspaceId, providerId });
  const live = rows.filter(isLive);
  if (live.length === 1) return live[0]!;
  if (live.length > 1) {
    const name = getProvider(providerId)?.name ?? providerId;
    throw new ApiError(409, `This workspace has ${live.length} ${name} connections: address one by its id (/api/connections/<id>): ${live.map((r) => r.id).join(", ")}`);
  }
  return rows[0] ?? null;
}

/** Makes a connection the default of a capability slot (admins; audited; idempotent). */
export async function setDefaultConnection(user: SessionUser, slot: string, connectionId: string): Promise<{ slot: CapabilitySlot; connectionId: string }> {
  if (user.role !== "admin") throw new ApiError(403, "Your account is a viewer: ask an admin to make this change");
  if (!(CAPABILITY_SLOTS as readonly string[]).includes(slot)) throw new ApiError(404, `Unknown capability "${slot.slice(0, 40)}": use one of ${CAPABILITY_SLOTS.join(", ")}`);
  const capability = slot as CapabilitySlot;
  const db = await getDb();
  return db.$transaction(async (tx) => {
    const row = await tx.connection.findFirst({ where: { id: connectionId, workspaceId: user.workspaceId }, select: { id: true, providerId: true, status: true } });
    if (!row) throw notFound("No such connection in this workspace");
    const name = getProvider(row.providerId)?.name ?? row.providerId;
    if (!providersWith(capability).some((p) => p.id === row.providerId))
      throw new ApiError(400, `${name} cannot be used for ${capability}`, { connectionId: `Not a ${capability} connection` });
    if (row.status === "disconnected") throw new ApiError(409, `${name} is not connected: connect it before making it the default`);
    const key = { workspaceId_slot: { workspaceId: user.workspaceId, slot: capability } };
    const before = await tx.capabilityDefault.findUnique({ where: key, select: { connectionId: true } });
    if (before?.connectionId !== row.id) {
      await tx.capabilityDefault.upsert({ where: key, create: { workspaceId: user.workspaceId, slot: capability, connectionId: row.id }, update: { connectionId: row.id } });
      await recordAudit(tx, {
        workspaceId: user.workspaceId,
        actor: actorOf(user),
        action: "integration.default",
        target: row.providerId,
        details: { slot: capability, providerId: row.providerId, connectionId: row.id, previous: before?.connectionId ?? null },
      });
    }
    return { slot: capability, connectionId: row.id };
  });
}
