// Leads captured by the website (whitepaper downloads and the like): create and list, scoped to
// the workspace. The export to Odoo lives in lib/odoo-sync/leads.ts.
import { z } from "zod";
import { getDb } from "@/lib/db/client";
import type { Lead, Prisma } from "@/lib/generated/prisma/client";
import { optionalHttpUrl, optionalText } from "@/lib/validation";

export const leadInputSchema = z.strictObject({
  name: z.string({ error: "Enter the person's name" }).trim().min(1, "Enter the person's name").max(200, "Keep the name under 200 characters"),
  email: z.string({ error: "Enter an email address" }).trim().pipe(z.email("Enter a valid email address")),
  phone: optionalText(50),
  company: optionalText(200),
  website: optionalHttpUrl("Enter the website as an address such as https://example.com"),
  source: optionalText(100),
  whitepaperTitle: optionalText(300),
});
export type LeadInput = z.infer<typeof leadInputSchema>;

export const LEAD_STATUSES = ["all", "unsent", "exported", "failed"] as const;
export const leadListQuerySchema = z.strictObject({
  status: z.enum(LEAD_STATUSES, { error: `status is one of ${LEAD_STATUSES.join(", ")}` }).default("all"),
  page: z.coerce.number({ error: "page must be a number" }).int().min(1, "page starts at 1").default(1),
  pageSize: z.coerce.number({ error: "pageSize must be a number" }).int().min(1).max(100, "pageSize is at most 100").default(25),
});
export type LeadListQuery = z.infer<typeof leadListQuerySchema>;

/** A lead as the API answers it (no export bookkeeping beyond what the list shows). */
export interface LeadView {
  id: string;
  name: string;
  email: string;
  phone: string | null;
  company: string | null;
  website: string | null;
  source: string | null;
  whitepaperTitle: string | null;
  createdAt: string;
  exportedAt: string | null;
  odooLeadId: number | null;
  exportAttempts: number;
  lastExportError: string | null;
}

export function leadView(lead: Lead): LeadView {
  return {
    id: lead.id,
    name: lead.name,
    email: lead.email,
    phone: lead.phone,
    company: lead.company,
    website: lead.website,
    source: lead.source,
    whitepaperTitle: lead.whitepaperTitle,
    createdAt: lead.createdAt.toISOString(),
    exportedAt: lead.exportedAt?.toISOString() ?? null,
    odooLeadId: lead.odooLeadId,
    exportAttempts: lead.exportAttempts,
    lastExportError: lead.exportedAt ? null : lead.lastExportError,
  };
}

export async function createLead(workspaceId: string, input: LeadInput): Promise<LeadView> {
  const db = await getDb();
  return leadView(await db.lead.create({ data: { workspaceId, ...input } }));
}

export interface LeadPage {
  leads: LeadView[];
  total: number;
  page: number;
  pageSize: number;
  counts: { all: number; unsent: number; exported: number; failed: number };
}

function statusWhere(status: LeadListQuery["status"]): Prisma.LeadWhereInput {
  if (status === "unsent") return { exportedAt: null };
  if (status === "exported") return { exportedAt: { not: null } };
  if (status === "failed") return { exportedAt: null, lastExportError: { not: null } };
  return {};
}

export async function listLeads(workspaceId: string, query: LeadListQuery): Promise<LeadPage> {
  const db = await getDb();
  const where = { workspaceId, ...statusWhere(query.status) };
  const [leads, total, all, unsent, failed] = await Promise.all([
    db.lead.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], skip: (query.page - 1) * query.pageSize, take: query.pageSize }),
    db.lead.count({ where }),
    db.lead.count({ where: { workspaceId } }),
    db.lead.count({ where: { workspaceId, exportedAt: null } }),
    db.lead.count({ where: { workspaceId, exportedAt: null, lastExportError: { not: null } } }),
  ]);
  return { leads: leads.map(leadView), total, page: query.page, pageSize: query.pageSize, counts: { all, unsent, exported: all - unsent, failed } };
}
