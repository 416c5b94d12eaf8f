// Files streamed through the app into the bucket: never held whole. The first bytes are checked
// against the declared type, then the rest flows to the bucket (one PUT up to 8 MB, multipart
// above) while its size and SHA-256 are counted. The record is written first as pending, so a
// process that dies mid-upload leaves a row the storage-maintenance job settles, not a stray object.
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import busboy from "busboy";
import { z } from "zod";
import { actorOf, type SessionUser } from "@/lib/auth/session";
import { providerFailure } from "@/lib/connections/failures";
import { ConnectionUnavailableError } from "@/lib/connections/open";
import { getDb } from "@/lib/db/client";
import { ApiError, badRequest } from "@/lib/http/api";
import { checkContentType, SNIFF_BYTES } from "@/lib/storage/content-type";
import { displayName, FILE_INCLUDE, fileView, newObjectName, openStorage, purposeSchema, type FilePurpose, type FileView, type OpenStorage } from "@/lib/storage/files";

/** How long one upload may take in all; a stalled socket fails sooner (the client's socket timeout). */
export const UPLOAD_TIMEOUT_MS = 60 * 60 * 1000;
/** A pending record older than this with no upload running is settled by the maintenance job. */
export const PENDING_GRACE_MS = UPLOAD_TIMEOUT_MS + 5 * 60 * 1000;
/** Files one form may carry. */
export const MAX_FILES_PER_FORM = 10;
/** Room for the form's boundaries, headers and small fields. */
const FORM_OVERHEAD_BYTES = 64 * 1024;

export const uploadQuerySchema = z.object({
  purpose: purposeSchema.optional(),
  connectionId: z.string().trim().min(1).max(64).optional(),
});

export interface StoreRequest {
  name: string;
  /** As declared by the sender; checked against the bytes. */
  contentType: string;
  purpose: FilePurpose;
  body: Readable | AsyncIterable<Uint8Array> | Uint8Array;
  onProgress?: (sentBytes: number) => void;
}

/** The same bytes as a Buffer, without copying them (busboy's chunks already are Buffers). */
const asBuffer = (chunk: Uint8Array): Buffer => (Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));

const tooLarge = (name: string, maxBytes: number) => new ApiError(413, `${name} is larger than this storage's limit of ${Math.floor(maxBytes / (1024 * 1024))} MB`);

/** Stores one file in the opened storage and records it; 413/415 for a file the rules refuse. */
export async function storeStream(storage: OpenStorage, request: StoreRequest): Promise<FileView> {
  const { connection, port } = storage;
  const fields = connection.credentials.fields;
  const rules = port.rules(fields);
  const name = displayName(request.name);
  const source = (request.body instanceof Uint8Array ? [request.body] : request.body) as AsyncIterable<Uint8Array>;
  const iterator = source[Symbol.asyncIterator]();
  let sourceError: unknown = null;
  const next = async () => {
    try {
      return await iterator.next();
    } catch (error) {
      sourceError = error;
      throw error;
    }
  };

  // The first bytes decide the type before anything is sent.
  const head: Buffer[] = [];
  let headBytes = 0;
  let ended = false;
  while (headBytes < SNIFF_BYTES) {
    const read = await next().catch(() => ({ done: true, value: undefined }) as const);
    if (sourceError) throw badRequest(`${name}: the upload was interrupted`);
    if (read.done) {
      ended = true;
      break;
    }
    const chunk = asBuffer(read.value);
    head.push(chunk);
    headBytes += chunk.length;
  }
  const sample = Buffer.concat(head);
  if (sample.length > rules.maxBytes) throw tooLarge(name, rules.maxBytes);
  const contentType = await checkContentType(request.contentType, sample.subarray(0, SNIFF_BYTES), ended && sample.length <= SNIFF_BYTES, rules, name);

  const db = await getDb();
  const row = await db.storedFile.create({
    data: {
      workspaceId: connection.workspaceId,
      connectionId: connection.id,
      key: port.objectKey(fields, newObjectName(request.purpose, name)),
      name,
      size: 0,
      contentType,
      purpose: request.purpose,
      status: "pending",
      createdBy: connection.actor,
      expiresAt: new Date(Date.now() + PENDING_GRACE_MS),
    },
  });

  const hash = createHash("sha256");
  let size = 0;
  let overLimit = false;
  const count = (chunk: Buffer) => {
    size += chunk.length;
    if (size > rules.maxBytes) {
      overLimit = true;
      throw new Error("the file is over the size limit");
    }
    hash.update(chunk);
    return chunk;
  };
  async function* counted() {
    yield count(sample);
    if (ended) return;
    for (;;) {
      const read = await next();
      if (read.done) return;
      yield count(asBuffer(read.value));
    }
  }

  const result = await connection.call(
    "objects.upload",
    (signal) =>
      port.upload(
        fields,
        { key: row.key, body: Readable.from(counted(), { objectMode: false }), contentType, downloadName: name, onProgress: request.onProgress },
        { signal, timeoutMs: UPLOAD_TIMEOUT_MS },
      ),
    // A streamed body cannot be sent twice; the SDK retries single parts.
    { maxAttempts: 1, timeoutMs: UPLOAD_TIMEOUT_MS },
  );
  if (!result.ok) {
    await db.storedFile.delete({ where: { id: row.id } }).catch(() => {});
    if (overLimit) throw tooLarge(name, rules.maxBytes);
    if (sourceError) throw badRequest(`${name}: the upload was interrupted before the whole file arrived`);
    throw providerFailure(result, `${connection.providerName} did not store ${name}`);
  }
  const stored = await db.storedFile.update({
    where: { id: row.id },
    data: { status: "stored", size, sha256: hash.digest("hex"), expiresAt: null },
    include: FILE_INCLUDE,
  });
  return fileView(stored);
}

export type AttachmentOutcome = { stored: true; file: FileView; storage: OpenStorage } | { stored: false; reason: string };

/**
 * For features that attach files (exports, form uploads, post images): stores the file when the
 * workspace has storage, else says why not, so the feature goes on without it.
 */
export async function storeAttachment(workspaceId: string, actor: string, request: StoreRequest): Promise<AttachmentOutcome> {
  let storage: OpenStorage;
  try {
    storage = await openStorage(workspaceId, actor);
  } catch (error) {
    if (error instanceof ConnectionUnavailableError) return { stored: false, reason: `The file was not stored: ${error.message}` };
    throw error;
  }
  return { stored: true, file: await storeStream(storage, request), storage };
}

/**
 * POST /api/storage/files: every file of a multipart form, streamed into the workspace's storage
 * one after the other. The purpose comes from the query or a `purpose` field before the files.
 */
export async function uploadFromForm(user: SessionUser, request: Request, query: z.infer<typeof uploadQuerySchema>): Promise<FileView[]> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data\s*;/i.test(type)) throw new ApiError(415, "Send the files as multipart/form-data, in a field named file");
  if (!request.body) throw badRequest("The form is empty: add a file");
  const storage = await openStorage(user.workspaceId, actorOf(user), query.connectionId);
  const { maxBytes } = storage.port.rules(storage.connection.credentials.fields);
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (declared > maxBytes * MAX_FILES_PER_FORM + FORM_OVERHEAD_BYTES) throw tooLarge("The form", maxBytes * MAX_FILES_PER_FORM);

  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: { "content-type": type }, limits: { files: MAX_FILES_PER_FORM, fields: 10, fieldSize: 1024, parts: MAX_FILES_PER_FORM + 10 } });
  } catch {
    throw badRequest("The multipart form has no boundary in its Content-Type");
  }
  const body = Readable.fromWeb(request.body as never);
  return new Promise<FileView[]>((resolve, reject) => {
    const stored: FileView[] = [];
    let purpose: FilePurpose = query.purpose ?? "files";
    let work = Promise.resolve();
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      body.unpipe(parser);
      body.destroy();
      reject(error);
    };
    parser.on("field", (name, value) => {
      if (name !== "purpose") return;
      const parsed = purposeSchema.safeParse(value);
      if (parsed.success) purpose = parsed.data;
      else fail(badRequest(parsed.error.issues[0]!.message, { purpose: parsed.error.issues[0]!.message }));
    });
    parser.on("file", (_field, stream, info) => {
      const forPurpose = purpose;
      work = work.then(async () => {
        if (settled) return void stream.resume();
        try {
          stored.push(await storeStream(storage, { name: info.filename ?? "file", contentType: info.mimeType, purpose: forPurpose, body: stream }));
        } catch (error) {
          stream.resume();
          fail(error);
        }
      });
    });
    parser.on("filesLimit", () => fail(new ApiError(413, `A form carries at most ${MAX_FILES_PER_FORM} files`)));
    parser.on("partsLimit", () => fail(badRequest("The form has too many parts")));
    parser.on("error", (error) => fail(badRequest(`The multipart form could not be read: ${error instanceof Error ? error.message : "malformed"}`)));
    parser.on("close", () => {
      void work.then(() => {
        if (settled) return;
        settled = true;
        if (stored.length) resolve(stored);
        else reject(badRequest("The form has no file: add one in a field named file", { file: "Required" }));
      });
    });
    body.on("error", (error) => fail(badRequest(`The upload was interrupted: ${error.message}`)));
    body.pipe(parser);
  });
}
