// CSV exports of the activity log and the leads: streamed from the database in pages, into the
// workspace's storage (answered with a signed link) or, without storage, straight to the browser.
import { Readable } from "node:stream";
import { z } from "zod";
import { actorOf, type SessionUser } from "@/lib/auth/session";
import { activityQuerySchema, type ActivityQuery } from "@/lib/connections/activity";
import { getDb } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { ApiError } from "@/lib/http/api";
import { LINK_DEFAULT_SECONDS, signedLinkFor, type FileView } from "@/lib/storage/files";
import { storeAttachment } from "@/lib/storage/upload";

export const EXPORT_KINDS = ["activity", "leads"] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];
export const exportKindSchema = z.enum(EXPORT_KINDS, { error: `the export is one of ${EXPORT_KINDS.join(", ")}` });

const PAGE = 1000;

/**
 * One CSV cell (RFC 4180). Text that a spreadsheet would run as a formula (=, +, -, @ first) gets
 * a leading apostrophe: a lead's name must not become a formula in the admin's spreadsheet.
 */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvLine = (cells: (string | number | null | undefined)[]) => `${cells.map(csvCell).join(",")}\r\n`;

/** Rows newest first, a page at a time: keyset on (createdAt, id), so rows written meanwhile never shift a page. */
async function* pages<T extends { id: string; createdAt: Date }>(read: (after: { createdAt: Date; id: string } | null) => Promise<T[]>): AsyncGenerator<T> {
  let after: { createdAt: Date; id: string } | null = null;
  for (;;) {
    const rows = await read(after);
    yield* rows;
    if (rows.length < PAGE) return;
    const last = rows.at(-1)!;
    after = { createdAt: last.createdAt, id: last.id };
  }
}

const before = (after: { createdAt: Date; id: string } | null) =>
  after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {};

async function* activityCsv(workspaceId: string, query: ActivityQuery): AsyncGenerator<string> {
  const db = await getDb();
  const where: Prisma.IntegrationActivityWhereInput = {
    workspaceId,
    ...(query.providerId ? { providerId: query.providerId } : {}),
    ...(query.outcome ? { outcome: query.outcome } : {}),
    ...(query.errorCategory ? { errorCategory: query.errorCategory as Prisma.IntegrationActivityWhereInput["errorCategory"] } : {}),
    ...(query.from || query.to ? { createdAt: { ...(query.from ? { gte: query.from } : {}), ...(query.to ? { lte: query.to } : {}) } } : {}),
  };
  yield csvLine(["time", "provider", "operation", "outcome", "error category", "status code", "duration ms", "attempts", "actor", "message"]);
  const rows = pages((after) => db.integrationActivity.findMany({ where: { AND: [where, before(after)] }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: PAGE }));
  for await (const r of rows) {
    yield csvLine([r.createdAt.toISOString(), r.providerId, r.operation, r.outcome, r.errorCategory, r.statusCode, r.durationMs, r.attempts, r.actor, r.message]);
  }
}

async function* leadsCsv(workspaceId: string): AsyncGenerator<string> {
  const db = await getDb();
  yield csvLine(["created", "name", "email", "phone", "company", "website", "source", "whitepaper", "exported to Odoo", "Odoo lead id", "last export error"]);
  const rows = pages((after) => db.lead.findMany({ where: { AND: [{ workspaceId }, before(after)] }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: PAGE }));
  for await (const l of rows) {
    yield csvLine([
      l.createdAt.toISOString(),
      l.name,
      l.email,
      l.phone,
      l.company,
      l.website,
      l.source,
      l.whitepaperTitle,
      l.exportedAt?.toISOString() ?? null,
      l.odooLeadId,
      l.exportedAt ? null : l.lastExportError,
    ]);
  }
}

export const exportFiltersSchema = activityQuerySchema;

export function exportRows(kind: ExportKind, workspaceId: string, filters: ActivityQuery): AsyncGenerator<string> {
  return kind === "activity" ? activityCsv(workspaceId, filters) : leadsCsv(workspaceId);
}

export function exportFileName(kind: ExportKind, now = new Date()): string {
  return `${kind}-${now.toISOString().slice(0, 10)}.csv`;
}

export type ExportOutcome =
  { stored: true; file: FileView; url: string; expiresAt: string } | { stored: false; reason: string; fileName: string; body: ReadableStream<Uint8Array> };

/** Into storage with a signed link when the workspace has storage, else the CSV itself to download. */
export async function exportCsv(user: SessionUser, kind: ExportKind, filters: ActivityQuery): Promise<ExportOutcome> {
  const fileName = exportFileName(kind);
  const bytes = async function* () {
    for await (const line of exportRows(kind, user.workspaceId, filters)) yield Buffer.from(line, "utf8");
  };
  let outcome;
  try {
    outcome = await storeAttachment(user.workspaceId, actorOf(user), { name: fileName, contentType: "text/csv", purpose: "exports", body: Readable.from(bytes()) });
  } catch (error) {
    // The storage's own rules (size, types) refuse it: the admin still gets the file.
    if (!(error instanceof ApiError) || (error.status !== 413 && error.status !== 415)) throw error;
    outcome = { stored: false as const, reason: `The export was not stored: ${error.message}` };
  }
  if (!outcome.stored) return { stored: false, reason: outcome.reason, fileName, body: Readable.toWeb(Readable.from(bytes())) as ReadableStream<Uint8Array> };
  return { stored: true, file: outcome.file, ...(await signedLinkFor(outcome.storage, outcome.file, LINK_DEFAULT_SECONDS)) };
}
