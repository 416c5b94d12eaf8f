// The Odoo syncs behind the routes and the jobs: run one (manual or cron) and read their progress.
import { providersWith } from "@/lib/integrations/registry";
import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { ApiError } from "@/lib/http/api";
import { syncWebinarsToOdoo } from "@/lib/odoo-sync/events";
import { exportLeads } from "@/lib/odoo-sync/leads";
import { recentRuns, type SyncKind, type SyncReport, type SyncTrigger } from "@/lib/odoo-sync/runs";
import { importWebinarTopics } from "@/lib/odoo-sync/topics";

export type { SyncKind, SyncReport } from "@/lib/odoo-sync/runs";

/** Optional body of POST /api/integrations/odoo/sync-leads. */
export const leadSyncBodySchema = z.strictObject({
  batchSize: z.number({ error: "batchSize must be a number" }).int().min(1, "batchSize is at least 1").max(1000, "batchSize is at most 1000").optional(),
});

export interface RunSyncOptions {
  trigger: SyncTrigger;
  actor: string;
  batchSize?: number;
}

export function runOdooSync(kind: SyncKind, workspaceId: string, options: RunSyncOptions): Promise<SyncReport> {
  if (kind === "leads") return exportLeads(workspaceId, options);
  if (kind === "events") return syncWebinarsToOdoo(workspaceId, options);
  return importWebinarTopics(workspaceId, options);
}

export interface SyncOverview {
  kind: SyncKind;
  /** The run in progress (with done / total), if any. */
  running: SyncReport | null;
  /** Recent runs, newest first. */
  runs: SyncReport[];
  /** Leads still to export (lead sync only). */
  pending: number | null;
}

export async function syncOverview(workspaceId: string, kind: SyncKind): Promise<SyncOverview> {
  const db = await getDb();
  const runs = await recentRuns(db, workspaceId, kind, 10);
  const pending = kind === "leads" ? await db.lead.count({ where: { workspaceId, exportedAt: null } }) : null;
  return { kind, running: runs.find((r) => r.status === "running") ?? null, runs, pending };
}

export interface CronSyncReport {
  ranAt: string;
  workspaces: { workspaceId: string; report?: SyncReport; skipped?: string }[];
}

/** The lead export for every workspace with Odoo connected (the `sync-leads` job of lib/jobs/registry.ts). */
export async function exportLeadsForAllWorkspaces(options: { batchSize?: number } = {}): Promise<CronSyncReport> {
  const db = await getDb();
  // Workspaces with a live, unpaused CRM connection (one run per workspace).
  const connections = await db.connection.findMany({
    where: { providerId: { in: providersWith("crm").map((p) => p.id) }, status: { not: "disconnected" }, pausedAt: null },
    select: { workspaceId: true },
    distinct: ["workspaceId"],
    orderBy: { workspaceId: "asc" },
  });
  const out: CronSyncReport = { ranAt: new Date().toISOString(), workspaces: [] };
  for (const { workspaceId } of connections) {
    try {
      out.workspaces.push({ workspaceId, report: await exportLeads(workspaceId, { trigger: "cron", actor: "cron", batchSize: options.batchSize }) });
    } catch (error) {
      // One workspace's problem (a run already going, credentials unreadable) must not stop the others.
      if (!(error instanceof ApiError)) throw error;
      out.workspaces.push({ workspaceId, skipped: error.message });
    }
  }
  return out;
}
