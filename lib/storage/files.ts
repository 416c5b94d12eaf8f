// The workspace's stored files: their records, the list the Files page shows, signed download
// links and deletion. Bytes live in the bucket of the connection that stored them.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { actorOf, type SessionUser } from "@/lib/auth/session";
import { config } from "@/lib/config";
import { capabilityConnections, openCapability, slotProviderNames, type OpenConnection } from "@/lib/connections/open";
import { getDb, type Db } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { ApiError, notFound } from "@/lib/http/api";
import type { PortsBySlot } from "@/lib/integrations/kit/manifest";

export const FILE_PURPOSES = ["files", "forms", "social", "exports"] as const;
export type FilePurpose = (typeof FILE_PURPOSES)[number];
export const purposeSchema = z.enum(FILE_PURPOSES, { error: `purpose is one of ${FILE_PURPOSES.join(", ")}` });

/** A file or upload id in a path (cuid); anything else is a 400, never a database error. */
export const fileIdSchema = z.string().regex(/^[a-z0-9]{8,40}$/i, "Not a file id");

export const LINK_MIN_SECONDS = 60;
export const LINK_MAX_SECONDS = 7 * 24 * 3600;
export const LINK_DEFAULT_SECONDS = 3600;

type FileRow = Prisma.StoredFileGetPayload<{ include: { connection: { select: { accountLabel: true } } } }>;

export interface FileView {
  id: string;
  name: string;
  key: string;
  size: number;
  contentType: string;
  sha256: string | null;
  purpose: string;
  status: "pending" | "stored";
  createdBy: string;
  createdAt: string;
  connectionId: string;
  /** Which bucket: the connection's label ("uploads · AWS (eu-west-1)"). */
  storage: string | null;
}

export function fileView(row: FileRow): FileView {
  return {
    id: row.id,
    name: row.name,
    key: row.key,
    size: Number(row.size),
    contentType: row.contentType,
    sha256: row.sha256,
    purpose: row.purpose,
    status: row.status,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    connectionId: row.connectionId,
    storage: row.connection.accountLabel,
  };
}

export const FILE_INCLUDE = { connection: { select: { accountLabel: true } } } as const;

/** A name safe in an object key: letters, digits, dot, dash and underscore; the extension kept. */
export function keySafeName(name: string): string {
  const base = name
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .replace(/[^\w.-]+/g, "-")
    .replace(/-+(?=\.)|^[-.]+/g, "")
    .replace(/-{2,}/g, "-");
  const trimmed = base.length > 100 ? base.slice(base.length - 100) : base;
  return trimmed || "file";
}

/** Where a new file goes: `<purpose>/<yyyy>/<mm>/<uuid>/<name>`, under the connection's prefix. */
export function newObjectName(purpose: string, fileName: string, now = new Date()): string {
  const month = `${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, "0")}`;
  return `${purpose}/${month}/${randomUUID()}/${keySafeName(fileName)}`;
}

/** A display name: no path, no control characters, at most 255 characters. */
export function displayName(raw: string | undefined): string {
  const name = (raw ?? "")
    .split(/[\\/]/)
    .pop()!
    .replace(/[\u0000-\u001f\u007f]/g, "")
    .trim();
  return (name || "file").slice(0, 255);
}

export interface OpenStorage {
  connection: OpenConnection;
  port: PortsBySlot["storage"];
}

/** The workspace's storage (the named connection or the default one); 409 when none is connected. */
export async function openStorage(workspaceId: string, actor: string, connectionId?: string | null): Promise<OpenStorage> {
  return openCapability(workspaceId, "storage", { actor, connectionId: connectionId ?? null });
}

/** The storage connection a file was stored through. */
export async function openStorageOf(workspaceId: string, actor: string, connectionId: string, db?: Db): Promise<OpenStorage> {
  return openCapability(workspaceId, "storage", { actor, connectionId, ...(db ? { db } : {}) });
}

// ---------------------------------------------------------------------------------------------
// List

export const listQuerySchema = z.object({
  q: z.string().trim().max(200, "q is at most 200 characters").optional(),
  purpose: purposeSchema.optional(),
  prefix: z.string().max(1024, "prefix is at most 1024 characters").optional(),
  cursor: z.string().trim().max(64).optional(),
  limit: z.preprocess((v) => (v === "" ? undefined : v), z.coerce.number().int().min(1).max(200).default(50)),
});

export interface FileList {
  files: FileView[];
  nextCursor: string | null;
  usage: { files: number; bytes: number };
  /** Whether new files can be stored now; if not, why (files already stored stay listed). */
  storage: { connected: boolean; message: string | null };
}

/** Whether the workspace has a storage connection to store new files with, and if not, why. */
export async function storageState(workspaceId: string, db?: Db): Promise<FileList["storage"]> {
  const candidates = await capabilityConnections(workspaceId, "storage", db);
  if (candidates.some((c) => !c.pausedAt)) return { connected: true, message: null };
  const names = slotProviderNames("storage");
  if (candidates.length) return { connected: false, message: `${names} is paused: resume it on the Integrations page to store files` };
  return { connected: false, message: `${names} is not connected in this workspace: connect it under Integrations to store files` };
}

export async function listFiles(workspaceId: string, query: z.infer<typeof listQuerySchema>): Promise<FileList> {
  const db = await getDb();
  const where: Prisma.StoredFileWhereInput = {
    workspaceId,
    status: "stored",
    ...(query.purpose ? { purpose: query.purpose } : {}),
    ...(query.prefix ? { key: { startsWith: query.prefix } } : {}),
    ...(query.q ? { name: { contains: query.q, mode: "insensitive" } } : {}),
  };
  if (query.cursor && !(await db.storedFile.findFirst({ where: { id: query.cursor, workspaceId }, select: { id: true } })))
    throw new ApiError(400, "cursor is not a position in this list");
  const [rows, usage, storage] = await Promise.all([
    db.storedFile.findMany({
      where,
      include: FILE_INCLUDE,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: query.limit + 1,
      ...(query.cursor ? { cursor: { id: query.cursor }, skip: 1 } : {}),
    }),
    db.storedFile.aggregate({ where: { workspaceId, status: "stored" }, _count: { _all: true }, _sum: { size: true } }),
    storageState(workspaceId, db),
  ]);
  const page = rows.slice(0, query.limit);
  return {
    files: page.map(fileView),
    nextCursor: rows.length > query.limit ? page.at(-1)!.id : null,
    usage: { files: usage._count._all, bytes: Number(usage._sum.size ?? 0) },
    storage,
  };
}

export async function findFile(workspaceId: string, id: string, db?: Db): Promise<FileRow> {
  const client = db ?? (await getDb());
  const row = await client.storedFile.findFirst({ where: { id, workspaceId, status: "stored" }, include: FILE_INCLUDE });
  if (!row) throw notFound("No such file in this workspace");
  return row;
}

// ---------------------------------------------------------------------------------------------
// Signed links

export const linkQuerySchema = z.object({
  expires: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.coerce
      .number({ error: "expires is a number of seconds" })
      .int("expires is a whole number of seconds")
      .min(LINK_MIN_SECONDS, `expires is at least ${LINK_MIN_SECONDS} seconds`)
      .max(LINK_MAX_SECONDS, `expires is at most ${LINK_MAX_SECONDS} seconds (7 days)`)
      .default(LINK_DEFAULT_SECONDS),
  ),
});

/** A download link for a file of an opened storage (signed locally: no request to the bucket). */
export async function signedLinkFor(storage: OpenStorage, file: { key: string; name: string }, expiresInSeconds: number): Promise<{ url: string; expiresAt: string }> {
  const url = await storage.port.signedUrl(storage.connection.credentials.fields, file.key, { expiresInSeconds, downloadName: file.name });
  return { url, expiresAt: new Date(Date.now() + expiresInSeconds * 1000).toISOString() };
}

export async function signedLink(user: SessionUser, id: string, expiresInSeconds: number): Promise<{ url: string; expiresAt: string }> {
  const file = await findFile(user.workspaceId, id);
  return signedLinkFor(await openStorageOf(user.workspaceId, actorOf(user), file.connectionId), file, expiresInSeconds);
}

// ---------------------------------------------------------------------------------------------
// Delete

export const deleteManySchema = z.strictObject({
  ids: z.array(z.string().trim().min(1).max(64), { error: "ids is a list of file ids" }).min(1, "ids lists at least one file").max(1000, "ids lists at most 1000 files"),
});

export interface DeleteOutcome {
  deleted: string[];
  failed: { id: string; message: string }[];
}

/** Deletes files from their buckets, then their records; a file the bucket kept keeps its record. */
export async function deleteFiles(user: SessionUser, ids: string[]): Promise<DeleteOutcome> {
  const db = await getDb();
  const unique = [...new Set(ids)];
  const rows = await db.storedFile.findMany({ where: { workspaceId: user.workspaceId, id: { in: unique }, status: "stored" } });
  const outcome: DeleteOutcome = { deleted: [], failed: unique.filter((id) => !rows.some((r) => r.id === id)).map((id) => ({ id, message: "No such file in this workspace" })) };
  const byConnection = new Map<string, typeof rows>();
  for (const row of rows) byConnection.set(row.connectionId, [...(byConnection.get(row.connectionId) ?? []), row]);
  for (const [connectionId, files] of byConnection) {
    let storage: OpenStorage;
    try {
      storage = await openStorageOf(user.workspaceId, actorOf(user), connectionId, db);
    } catch (error) {
      const message = error instanceof ApiError ? error.message : "The storage connection cannot be opened";
      outcome.failed.push(...files.map((f) => ({ id: f.id, message })));
      continue;
    }
    const { connection, port } = storage;
    const result = await connection.call("objects.delete", (signal) =>
      port.remove(
        connection.credentials.fields,
        files.map((f) => f.key),
        { signal, timeoutMs: config().PIPELINE_TIMEOUT_MS },
      ),
    );
    if (!result.ok) {
      outcome.failed.push(...files.map((f) => ({ id: f.id, message: `${connection.providerName} did not delete it: ${result.message}` })));
      continue;
    }
    const refusedKeys = new Map(result.value.failed.map((f) => [f.key, f.message]));
    const gone = files.filter((f) => !refusedKeys.has(f.key));
    await db.storedFile.deleteMany({ where: { id: { in: gone.map((f) => f.id) }, workspaceId: user.workspaceId } });
    outcome.deleted.push(...gone.map((f) => f.id));
    outcome.failed.push(...files.filter((f) => refusedKeys.has(f.key)).map((f) => ({ id: f.id, message: refusedKeys.get(f.key)! })));
  }
  return outcome;
}
