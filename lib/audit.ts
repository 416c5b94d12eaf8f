// Who changed which configuration, when. Details are redacted before they are stored.
import type { Db } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { redact } from "@/lib/log";

export interface AuditEntry {
  workspaceId: string;
  actor: string;
  action: string;
  target?: string | null;
  details?: Record<string, unknown>;
}

export async function recordAudit(db: Db | Prisma.TransactionClient, entry: AuditEntry): Promise<void> {
  await db.auditLog.create({
    data: {
      workspaceId: entry.workspaceId,
      actor: entry.actor,
      action: entry.action,
      target: entry.target ?? null,
      details: (redact(entry.details ?? {}) ?? {}) as Prisma.InputJsonValue,
    },
  });
}
