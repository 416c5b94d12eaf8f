// Pausing a connection: its credentials stay, but Plugboard makes no provider call with it (the
// pipeline answers `paused`), crons and health checks skip it, and a capability's default
// connection passes over it — until an admin resumes it. Both are idempotent and audited.
import { recordAudit } from "@/lib/audit";
import { actorOf } from "@/lib/auth/actor";
import type { SessionUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { ApiError, notFound } from "@/lib/http/api";
import { STATUS_SELECT, statusFromRow, type IntegrationStatus } from "@/lib/connections/status";
import { getProvider } from "@/lib/integrations/registry";

async function setPaused(user: SessionUser, connectionId: string, paused: boolean): Promise<IntegrationStatus> {
  if (user.role !== "admin") throw new ApiError(403, "Your account is a viewer: ask an admin to make this change");
  const db = await getDb();
  return db.$transaction(async (tx) => {
    const row = await tx.connection.findFirst({ where: { id: connectionId, workspaceId: user.workspaceId }, select: { id: true, providerId: true, status: true, pausedAt: true } });
    if (!row) throw notFound("No such connection in this workspace");
    const name = getProvider(row.providerId)?.name ?? row.providerId;
    if (paused && row.status === "disconnected") throw new ApiError(409, `${name} is not connected: there is nothing to pause`);
    // Conditional, so two concurrent requests change it (and audit it) once.
    const changed = await tx.connection.updateMany({
      where: { id: row.id, pausedAt: paused ? null : { not: null } },
      data: { pausedAt: paused ? new Date() : null },
    });
    if (changed.count) {
      await recordAudit(tx, {
        workspaceId: user.workspaceId,
        actor: actorOf(user),
        action: paused ? "integration.pause" : "integration.resume",
        target: row.providerId,
        details: { providerId: row.providerId, connectionId: row.id },
      });
    }
    const fresh = await tx.connection.findUniqueOrThrow({ where: { id: row.id }, select: { ...STATUS_SELECT, id: true } });
    return statusFromRow(row.providerId, fresh);
  });
}

export const pauseConnection = (user: SessionUser, connectionId: string) => setPaused(user, connectionId, true);
export const resumeConnection = (user: SessionUser, connectionId: string) => setPaused(user, connectionId, false);
