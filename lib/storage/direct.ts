// Large files go from the browser straight to the bucket: the app signs a form for one object
// (exact key, exact size, declared type, 15 minutes), the browser posts the bytes to the bucket,
// and the app then confirms the object is there — its size, and its first bytes against the
// declared type — before the file counts as stored. A form that is never confirmed is settled by
// the storage-maintenance job.
import { z } from "zod";
import { actorOf, type SessionUser } from "@/lib/auth/session";
import { config } from "@/lib/config";
import { providerFailure } from "@/lib/connections/failures";
import { getDb, type Db } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { ApiError, notFound } from "@/lib/http/api";
import { typeAllowed } from "@/lib/integrations/kit/storage-rules";
import { checkContentType, normaliseType, SNIFF_BYTES } from "@/lib/storage/content-type";
import { displayName, FILE_INCLUDE, fileView, newObjectName, openStorage, openStorageOf, purposeSchema, type FileView, type OpenStorage } from "@/lib/storage/files";

export const DIRECT_FORM_SECONDS = 15 * 60;

export const directUploadSchema = z.strictObject({
  name: z.string({ error: "name is the file's name" }).trim().min(1, "name is the file's name").max(255, "name is at most 255 characters"),
  size: z.number({ error: "size is the file's size in bytes" }).int("size is a whole number of bytes").min(1, "size is at least 1 byte"),
  contentType: z
    .string({ error: "contentType is the file's type, e.g. image/png" })
    .trim()
    .min(3)
    .max(255)
    .regex(/^[\w!#$&^.+-]+\/[\w!#$&^.+-]+$/, "contentType is a type such as image/png"),
  purpose: purposeSchema.default("files"),
  connectionId: z.string().trim().min(1).max(64).optional(),
});

export interface DirectUpload {
  file: FileView;
  /** Post `fields` then the file (last, as `file`) to `url` as multipart/form-data. */
  upload: { url: string; fields: Record<string, string> };
  expiresAt: string;
}

export async function startDirectUpload(user: SessionUser, input: z.infer<typeof directUploadSchema>): Promise<DirectUpload> {
  const { connection, port } = await openStorage(user.workspaceId, actorOf(user), input.connectionId);
  const fields = connection.credentials.fields;
  const rules = port.rules(fields);
  const name = displayName(input.name);
  const contentType = normaliseType(input.contentType);
  if (input.size > rules.maxBytes) throw new ApiError(413, `${name} is larger than this storage's limit of ${Math.floor(rules.maxBytes / (1024 * 1024))} MB`);
  if (!typeAllowed(rules, contentType)) throw new ApiError(415, `${name}: files of type ${contentType} are not accepted here (allowed: ${rules.allowedTypes.join(", ")})`);
  const key = port.objectKey(fields, newObjectName(input.purpose, name));
  const post = await port.presignedPost(fields, { key, contentType, minBytes: input.size, maxBytes: input.size, expiresInSeconds: DIRECT_FORM_SECONDS });
  const db = await getDb();
  const row = await db.storedFile.create({
    data: {
      workspaceId: user.workspaceId,
      connectionId: connection.id,
      key,
      name,
      size: input.size,
      contentType,
      purpose: input.purpose,
      status: "pending",
      createdBy: actorOf(user),
      expiresAt: post.expiresAt,
    },
    include: FILE_INCLUDE,
  });
  return { file: fileView(row), upload: { url: post.url, fields: post.fields }, expiresAt: post.expiresAt.toISOString() };
}

type PendingRow = Prisma.StoredFileGetPayload<object>;

export type Confirmation = { outcome: "stored"; file: FileView } | { outcome: "missing" } | { outcome: "refused"; status: number; message: string };

/**
 * Checks a pending file's object in the bucket: there with the declared size and type → stored;
 * not there → missing; there but wrong → the object is deleted and the record with it.
 */
export async function confirmObject(db: Db, storage: OpenStorage, row: PendingRow): Promise<Confirmation> {
  const { connection, port } = storage;
  const fields = connection.credentials.fields;
  const timeoutMs = config().PIPELINE_TIMEOUT_MS;
  const found = await connection.run("objects.head", (signal) => port.head(fields, row.key, { signal, timeoutMs }), `${connection.providerName} could not check the upload`);
  if (!found) return { outcome: "missing" };
  let problem: ApiError | null = null;
  if (found.size !== Number(row.size)) problem = new ApiError(422, `${row.name}: the bucket holds ${found.size} bytes, not the ${row.size} that were announced`);
  else {
    const sample = await connection.run(
      "objects.read",
      (signal) => port.readRange(fields, row.key, { start: 0, end: SNIFF_BYTES - 1 }, { signal, timeoutMs }),
      `${connection.providerName} could not read the upload back`,
    );
    try {
      await checkContentType(row.contentType, sample, found.size <= SNIFF_BYTES, port.rules(fields), row.name);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      problem = error;
    }
  }
  if (problem) {
    const removed = await connection.call("objects.delete", (signal) => port.remove(fields, [row.key], { signal, timeoutMs }));
    if (!removed.ok) throw providerFailure(removed, `${problem.message}; ${connection.providerName} did not delete it`);
    await db.storedFile.delete({ where: { id: row.id } });
    return { outcome: "refused", status: problem.status, message: problem.message };
  }
  const stored = await db.storedFile.update({ where: { id: row.id }, data: { status: "stored", expiresAt: null }, include: FILE_INCLUDE });
  return { outcome: "stored", file: fileView(stored) };
}

/** POST /api/storage/uploads/{id}/complete: the browser says the bytes are in the bucket. */
export async function completeDirectUpload(user: SessionUser, id: string): Promise<FileView> {
  const db = await getDb();
  const row = await db.storedFile.findFirst({ where: { id, workspaceId: user.workspaceId } });
  if (!row) throw notFound("No such upload in this workspace");
  if (row.status === "stored") return fileView(await db.storedFile.findUniqueOrThrow({ where: { id }, include: FILE_INCLUDE }));
  const storage = await openStorageOf(user.workspaceId, actorOf(user), row.connectionId, db);
  const confirmed = await confirmObject(db, storage, row);
  if (confirmed.outcome === "stored") return confirmed.file;
  if (confirmed.outcome === "refused") throw new ApiError(confirmed.status, `${confirmed.message}. The upload was deleted.`);
  throw new ApiError(409, `${row.name} is not in the bucket yet: post the file to the signed form first`);
}
