// The storage port (file storage in the business's own bucket). Declared now so manifests can
// name the slot; the storage issue fills it.
import type { AdapterContext } from "@/lib/integrations/kit/manifest";
import type { ProviderError } from "@/lib/integrations/kit/errors";

export interface StoredObject {
  key: string;
  size: number;
  contentType: string | null;
  etag: string | null;
}

export interface StoragePort {
  put(fields: Record<string, string>, object: { key: string; body: Uint8Array | ReadableStream<Uint8Array>; contentType: string }, ctx: AdapterContext): Promise<StoredObject>;
  head(fields: Record<string, string>, key: string, ctx: AdapterContext): Promise<StoredObject | null>;
  remove(fields: Record<string, string>, key: string, ctx: AdapterContext): Promise<void>;
  signedUrl(fields: Record<string, string>, key: string, expiresInSeconds: number): Promise<string>;
  classify(error: unknown): ProviderError;
}
