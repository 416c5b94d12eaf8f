// The storage slot on S3: streamed uploads (lib-storage: one PUT up to the part size, multipart
// above it), signed links and browser upload forms (signed locally), and the object operations
// the Files page needs.
import { Readable } from "node:stream";
import { DeleteObjectsCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { attachmentDisposition } from "@/lib/integrations/kit/content-disposition";
import type { StoragePort, StoredObject } from "@/lib/integrations/kit/ports/storage";
import { uploadRules } from "@/lib/integrations/kit/storage-rules";
import { classifyS3Error, s3Client, s3Settings } from "@/lib/integrations/s3/client";

/** Parts of a multipart upload; a body that ends within the first part goes up in one PUT. */
export const PART_SIZE = 8 * 1024 * 1024;
/** Parts in flight at once: memory held is about PART_SIZE × (QUEUE_SIZE + 1). */
const QUEUE_SIZE = 4;
/** DeleteObjects takes at most 1,000 keys per request. */
const DELETE_BATCH = 1000;
/** An upload's parts are buffered, so the SDK may send a failed part again. */
const PART_ATTEMPTS = 3;

const etagOf = (etag: string | undefined) => (etag ? etag.replace(/^"|"$/g, "") : null);

export const storage: StoragePort = {
  objectKey: (fields, name) => `${s3Settings(fields).prefix}${name.replace(/^\/+/, "")}`,

  rules: (fields) => uploadRules(fields),

  async upload(fields, request, ctx) {
    const settings = s3Settings(fields);
    const abortController = new AbortController();
    const onAbort = () => abortController.abort();
    ctx.signal.addEventListener("abort", onAbort, { once: true });
    const upload = new Upload({
      client: s3Client(settings, { maxAttempts: PART_ATTEMPTS }),
      params: {
        Bucket: settings.bucket,
        Key: request.key,
        Body: request.body,
        ContentType: request.contentType,
        ...(request.downloadName ? { ContentDisposition: attachmentDisposition(request.downloadName) } : {}),
      },
      partSize: PART_SIZE,
      queueSize: QUEUE_SIZE,
      leavePartsOnError: false,
      abortController,
    });
    let parts = 0;
    let sent = 0;
    upload.on("httpUploadProgress", (progress) => {
      parts = Math.max(parts, progress.part ?? 1);
      sent = progress.loaded ?? sent;
      request.onProgress?.(sent);
    });
    try {
      const result = await upload.done();
      return { key: request.key, size: sent, contentType: request.contentType, etag: etagOf(result.ETag), lastModified: null, parts: Math.max(parts, 1) };
    } finally {
      ctx.signal.removeEventListener("abort", onAbort);
    }
  },

  async head(fields, key, ctx) {
    const settings = s3Settings(fields);
    try {
      const found = await s3Client(settings).send(new HeadObjectCommand({ Bucket: settings.bucket, Key: key }), { abortSignal: ctx.signal });
      return { key, size: found.ContentLength ?? 0, contentType: found.ContentType ?? null, etag: etagOf(found.ETag), lastModified: found.LastModified ?? null };
    } catch (error) {
      const classified = classifyS3Error(error);
      if (classified.statusCode === 404 && classified.providerCode !== "NoSuchBucket") return null;
      throw error;
    }
  },

  async readRange(fields, key, range, ctx) {
    const settings = s3Settings(fields);
    const answer = await s3Client(settings).send(new GetObjectCommand({ Bucket: settings.bucket, Key: key, Range: `bytes=${range.start}-${range.end}` }), {
      abortSignal: ctx.signal,
    });
    return (await answer.Body?.transformToByteArray()) ?? new Uint8Array();
  },

  async read(fields, key, ctx) {
    const settings = s3Settings(fields);
    const answer = await s3Client(settings).send(new GetObjectCommand({ Bucket: settings.bucket, Key: key }), { abortSignal: ctx.signal });
    if (!answer.Body) return Readable.from([]);
    return answer.Body instanceof Readable ? answer.Body : Readable.fromWeb(answer.Body.transformToWebStream() as never);
  },

  async remove(fields, keys, ctx) {
    const settings = s3Settings(fields);
    const client = s3Client(settings);
    const removed: string[] = [];
    const failed: { key: string; message: string }[] = [];
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      const batch = keys.slice(i, i + DELETE_BATCH);
      const answer = await client.send(new DeleteObjectsCommand({ Bucket: settings.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: false } }), {
        abortSignal: ctx.signal,
      });
      for (const d of answer.Deleted ?? []) if (d.Key) removed.push(d.Key);
      for (const e of answer.Errors ?? []) if (e.Key) failed.push({ key: e.Key, message: `${e.Code ?? "Error"}: ${e.Message ?? "not deleted"}` });
    }
    return { removed, failed };
  },

  async list(fields, query, ctx) {
    const settings = s3Settings(fields);
    const answer = await s3Client(settings).send(
      new ListObjectsV2Command({ Bucket: settings.bucket, Prefix: query.prefix, MaxKeys: query.limit, ...(query.cursor ? { ContinuationToken: query.cursor } : {}) }),
      { abortSignal: ctx.signal },
    );
    const objects: StoredObject[] = (answer.Contents ?? []).map((o) => ({
      key: o.Key ?? "",
      size: o.Size ?? 0,
      contentType: null,
      etag: etagOf(o.ETag),
      lastModified: o.LastModified ?? null,
    }));
    return { objects, nextCursor: answer.IsTruncated ? (answer.NextContinuationToken ?? null) : null };
  },

  async signedUrl(fields, key, options) {
    const settings = s3Settings(fields);
    const command = new GetObjectCommand({
      Bucket: settings.bucket,
      Key: key,
      ...(options.downloadName ? { ResponseContentDisposition: attachmentDisposition(options.downloadName) } : {}),
    });
    return getSignedUrl(s3Client(settings), command, { expiresIn: options.expiresInSeconds });
  },

  async presignedPost(fields, request) {
    const settings = s3Settings(fields);
    const expiresAt = new Date(Date.now() + request.expiresInSeconds * 1000);
    const post = await createPresignedPost(s3Client(settings), {
      Bucket: settings.bucket,
      Key: request.key,
      Conditions: [["content-length-range", request.minBytes, request.maxBytes], { "Content-Type": request.contentType }, { success_action_status: "201" }],
      Fields: { "Content-Type": request.contentType, success_action_status: "201" },
      Expires: request.expiresInSeconds,
    });
    return { url: post.url, fields: post.fields, expiresAt };
  },

  classify: classifyS3Error,
};
