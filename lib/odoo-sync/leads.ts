// Lead export: local leads not yet in Odoo become crm.lead records, batch by batch, each marked
// exported with its Odoo id.
//
// Never a duplicate, even when a run dies halfway: before the first create the lead gets an export
// key (`plugboard-lead-<id>`) that also goes into the Odoo lead's description. Any later attempt at
// that lead — a pipeline retry after a lost answer, or a new run after a crash — first searches
// Odoo for the key and adopts the lead it finds instead of creating another. Only one run per
// workspace is active at a time (see runs.ts), so two runs never race on the same lead.
import { config } from "@/lib/config";
import { getDb, type Db } from "@/lib/db/client";
import { emitEvent } from "@/lib/events";
import type { Lead } from "@/lib/generated/prisma/client";
import type { CrmModels, CrmValues } from "@/lib/integrations/kit/ports/crm";
import { CrmConnection } from "@/lib/odoo-sync/connection";
import { isMissingReference, OdooLookups } from "@/lib/odoo-sync/lookups";
import { recordOutcome, withSyncRun, type SyncRun, type SyncReport, type SyncTrigger } from "@/lib/odoo-sync/runs";
import { escapeHtml } from "@/lib/html";
import type { CallOptions, ErrorCategory } from "@/lib/pipeline";

export interface LeadExportOptions {
  trigger: SyncTrigger;
  actor: string;
  batchSize?: number;
  now?: () => Date;
  /** Pipeline options for the Odoo calls (tests shorten the backoff). */
  callOptions?: CallOptions;
}

export function leadExportKey(leadId: string): string {
  return `plugboard-lead-${leadId}`;
}

/** crm.lead values for one lead. The description names the whitepaper and carries the export key. */
export function crmLeadValues(
  lead: Pick<Lead, "name" | "email" | "phone" | "company" | "website" | "source" | "whitepaperTitle">,
  key: string,
  refs: { sourceId: number; mediumId: number; tagId: number },
): CrmValues {
  const lines = [
    lead.whitepaperTitle ? `Downloaded the whitepaper “${escapeHtml(lead.whitepaperTitle)}”.` : "Contact from the website.",
    ...(lead.source ? [`Form: ${escapeHtml(lead.source)}`] : []),
    `Plugboard reference: ${key}`,
  ];
  return {
    name: `Website Lead - ${lead.name}`,
    contact_name: lead.name,
    email_from: lead.email,
    phone: lead.phone || false,
    partner_name: lead.company || false,
    website: lead.website || false,
    description: lines.map((l) => `<p>${l}</p>`).join(""),
    source_id: refs.sourceId,
    medium_id: refs.mediumId,
    tag_ids: [[6, 0, [refs.tagId]]],
  };
}

/** The Odoo lead carrying this export key, archived ones included. */
async function findByKey(models: CrmModels, key: string): Promise<number | undefined> {
  const [id] = await models.search(
    "crm.lead",
    [
      ["description", "ilike", key],
      ["active", "in", [true, false]],
    ],
    { limit: 1 },
  );
  return id;
}

/**
 * Exports the workspace's unsent leads (those that existed when the run started). Answers the run's
 * report: processed / successful / failed with reasons. 409 when Odoo is not connected or another
 * export is running.
 */
export async function exportLeads(workspaceId: string, options: LeadExportOptions): Promise<SyncReport> {
  const db = await getDb();
  const now = options.now ?? (() => new Date());
  const odoo = await CrmConnection.open(workspaceId, options.actor, options.callOptions);
  const usage = async () => ({ label: "Leads exported", value: await db.lead.count({ where: { workspaceId, exportedAt: { not: null } } }) });
  return withSyncRun(db, { workspaceId, connection: odoo.identity, kind: "leads", trigger: options.trigger, actor: options.actor, now, usage }, async (run, end) => {
    const startedAt = now();
    const pending = { workspaceId, exportedAt: null, createdAt: { lte: startedAt } };
    await run.setTotal(await db.lead.count({ where: pending }));

    const lookups = await OdooLookups.load(db, odoo);
    const { source, medium, tag } = odoo.settings.lead;
    const refs = { sourceId: 0, mediumId: 0, tagId: 0 };
    for (const [ref, model, name] of [
      ["sourceId", "utm.source", source],
      ["mediumId", "utm.medium", medium],
      ["tagId", "crm.tag", tag],
    ] as const) {
      const found = await lookups.resolve(model, name);
      if (!found.ok) return end("failed", `Could not look up the lead ${model === "crm.tag" ? "tag" : model.slice(4)} “${name}” in Odoo: ${found.message}`);
      refs[ref] = found.value;
    }

    const batchSize = options.batchSize ?? config().ODOO_LEAD_BATCH_SIZE;
    let cursor: string | undefined;
    for (;;) {
      const batch = await db.lead.findMany({ where: { ...pending, ...(cursor ? { id: { gt: cursor } } : {}) }, orderBy: { id: "asc" }, take: batchSize });
      if (batch.length === 0) break;
      cursor = batch.at(-1)!.id;
      for (const lead of batch) {
        const outcome = await exportLead(db, odoo, run, lead, refs, now);
        const stop = await recordOutcome(run, outcome, { id: lead.id, label: `${lead.name} <${lead.email}>` });
        if (!outcome.ok && isMissingReference(outcome.message)) await lookups.forget();
        if (stop) return end("failed", stop);
      }
    }
    return end("completed", null);
  });
}

type LeadOutcome = { ok: true; odooLeadId: number; created: boolean } | { ok: false; category: ErrorCategory; message: string };

async function exportLead(
  db: Db,
  odoo: CrmConnection,
  run: SyncRun,
  lead: Lead,
  refs: { sourceId: number; mediumId: number; tagId: number },
  now: () => Date,
): Promise<LeadOutcome> {
  const key = lead.exportKey ?? leadExportKey(lead.id);
  // An earlier attempt got as far as the create: Odoo may already have this lead.
  const attemptedBefore = lead.exportKey !== null;
  // Claim: the key is stored before anything is created in Odoo.
  const claimed = await db.lead.updateMany({
    where: { id: lead.id, exportedAt: null },
    data: { exportKey: key, exportRunId: run.id, exportAttempts: { increment: 1 }, lastExportAt: now() },
  });
  if (claimed.count === 0) return { ok: true, odooLeadId: lead.odooLeadId ?? 0, created: false };

  const result = await odoo.call(
    "crm.lead.create",
    async (models) => {
      if (attemptedBefore) {
        const existing = await findByKey(models, key);
        if (existing !== undefined) return { id: existing, created: false };
      }
      return { id: await models.create("crm.lead", crmLeadValues(lead, key, refs)), created: true };
    },
    { retry: false },
  );

  if (!result.ok) {
    await db.lead.update({ where: { id: lead.id }, data: { lastExportError: result.message } });
    return { ok: false, category: result.category, message: result.message };
  }
  run.count(result.value.created ? "created" : "found");
  await db.$transaction(async (tx) => {
    await tx.lead.update({ where: { id: lead.id }, data: { exportedAt: now(), odooLeadId: result.value.id, lastExportError: null } });
    await emitEvent(tx, { workspaceId: lead.workspaceId, type: "lead.exported", data: { leadId: lead.id, odooLeadId: result.value.id, email: lead.email } });
  });
  return { ok: true, odooLeadId: result.value.id, created: result.value.created };
}
