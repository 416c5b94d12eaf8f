// The storage port: files in the business's own bucket. Keys handed to the port are full object
// keys (build them with `objectKey`, which puts them under the connection's key prefix), so a
// file's record keeps pointing at its object even if the prefix is changed later.
import type { Readable } from "node:stream";
import type { AdapterContext } from "@/lib/integrations/kit/manifest";
import type { ProviderError } from "@/lib/integrations/kit/errors";
import type { UploadRules } from "@/lib/integrations/kit/storage-rules";

export interface StoredObject {
  key: string;
  size: number;
  contentType: string | null;
  etag: string | null;
  lastModified: Date | null;
}

export interface UploadRequest {
  key: string;
  /** Streamed to the bucket as it is read; never held whole (multipart above the part size). */
  body: Uint8Array | Readable;
  contentType: string;
  /** The file name a download is offered under (Content-Disposition). */
  downloadName?: string;
  /** Bytes sent to the bucket so far, as parts complete. */
  onProgress?: (sentBytes: number) => void;
}

export interface UploadedObject extends StoredObject {
  /** 1 for a single PUT, else the number of multipart parts. */
  parts: number;
}

/** A signed form a browser posts the file to, straight to the bucket. */
export interface PresignedPost {
  url: string;
  /** Form fields to send before the file, as given. */
  fields: Record<string, string>;
  expiresAt: Date;
}

export interface RemoveResult {
  removed: string[];
  failed: { key: string; message: string }[];
}

export interface StoragePort {
  /** The full object key for `name` under the connection's key prefix. */
  objectKey(fields: Record<string, string>, name: string): string;
  /** The connection's size limit and allowed content types. */
  rules(fields: Record<string, string>): UploadRules;
  upload(fields: Record<string, string>, request: UploadRequest, ctx: AdapterContext): Promise<UploadedObject>;
  /** The object's metadata, or null when there is none at that key. */
  head(fields: Record<string, string>, key: string, ctx: AdapterContext): Promise<StoredObject | null>;
  /** Bytes `start`…`end` (inclusive) of an object: enough to tell its content type. */
  readRange(fields: Record<string, string>, key: string, range: { start: number; end: number }, ctx: AdapterContext): Promise<Uint8Array>;
  /** The whole object as a stream. */
  read(fields: Record<string, string>, key: string, ctx: AdapterContext): Promise<Readable>;
  /** Deletes objects (missing ones count as removed); keys the bucket refused come back in `failed`. */
  remove(fields: Record<string, string>, keys: string[], ctx: AdapterContext): Promise<RemoveResult>;
  list(
    fields: Record<string, string>,
    query: { prefix: string; cursor?: string; limit: number },
    ctx: AdapterContext,
  ): Promise<{ objects: StoredObject[]; nextCursor: string | null }>;
  /** A link anyone holding it can download the object with until it expires. Signed locally: no request. */
  signedUrl(fields: Record<string, string>, key: string, options: { expiresInSeconds: number; downloadName?: string }): Promise<string>;
  /** A form for one upload of exactly this key, type and size range. Signed locally: no request. */
  presignedPost(
    fields: Record<string, string>,
    request: { key: string; contentType: string; minBytes: number; maxBytes: number; expiresInSeconds: number },
  ): Promise<PresignedPost>;
  classify(error: unknown): ProviderError;
}
