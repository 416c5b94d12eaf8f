// S3 through the AWS SDK v3, for AWS and every S3-compatible service. The endpoint is the
// connection's own (an admin typed it), so every socket the SDK opens goes through the address
// rules (guardedLookup): a bucket name or redirect cannot lead it to loopback or the metadata
// service. Retries belong to the call pipeline, so the SDK makes one attempt — except inside a
// multipart upload, whose parts are buffered and can be sent again (uploadClient).
import { createHash, randomUUID } from "node:crypto";
import http from "node:http";
import https from "node:https";
import { DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, ListObjectsV2Command, PutObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { AdapterContext, ApiKeyAdapter, TestOutcome } from "@/lib/integrations/kit/manifest";
import { guardedNetwork, UrlRefusedError } from "@/lib/integrations/kit/network";
import { categoryForStatus, classifyError as classifyGeneric, ProviderError, type ErrorCategory } from "@/lib/integrations/kit/errors";

export interface S3Settings {
  /** Empty: AWS's regional endpoint. */
  endpoint: string | null;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
  /** "" or ending in "/". */
  prefix: string;
}

export function s3Settings(fields: Record<string, string>): S3Settings {
  const prefix = (fields.prefix ?? "").trim().replace(/^\/+/, "");
  return {
    endpoint: fields.endpoint?.trim() ? fields.endpoint.trim().replace(/\/+$/, "") : null,
    region: fields.region ?? "",
    bucket: fields.bucket ?? "",
    accessKeyId: fields.accessKeyId ?? "",
    secretAccessKey: fields.secretAccessKey ?? "",
    forcePathStyle: fields.pathStyle === "path",
    prefix: prefix && !prefix.endsWith("/") ? `${prefix}/` : prefix,
  };
}

/** Where the bucket lives, for messages: "the endpoint minio.internal:9000" or "AWS (eu-west-1)". */
export function endpointLabel(settings: S3Settings): string {
  return settings.endpoint ? new URL(settings.endpoint).host : `AWS (${settings.region})`;
}

// Clients are cached (their agents keep connections open between calls), keyed by a hash of
// what makes them differ, so the map holds no secret in the clear.
const clients = new Map<string, S3Client>();
const CLIENT_CACHE_SIZE = 64;

export interface ClientOptions {
  /** SDK attempts per request: 1 where the pipeline retries the whole call. */
  maxAttempts?: number;
  /** Longest silence on a socket before the request fails, in ms. */
  socketTimeoutMs?: number;
}

export function s3Client(settings: S3Settings, options: ClientOptions = {}): S3Client {
  // The stored endpoint was checked when it was saved; the rules may have changed since.
  const { policy, lookup } = guardedNetwork(settings.endpoint);
  const maxAttempts = options.maxAttempts ?? 1;
  const socketTimeoutMs = options.socketTimeoutMs ?? 60_000;
  const key = createHash("sha256")
    .update(JSON.stringify([settings.endpoint, settings.region, settings.forcePathStyle, settings.accessKeyId, settings.secretAccessKey, maxAttempts, socketTimeoutMs, policy]))
    .digest("hex");
  let client = clients.get(key);
  if (client) return client;
  client = new S3Client({
    region: settings.region,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    forcePathStyle: settings.forcePathStyle,
    credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
    maxAttempts,
    // The flexible checksums S3 added in 2025 (aws-chunked bodies with CRC trailers) are refused
    // by several S3-compatible services; send checksums only where an operation requires one.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    requestHandler: new NodeHttpHandler({
      httpAgent: new http.Agent({ keepAlive: true, maxSockets: 32, lookup }),
      httpsAgent: new https.Agent({ keepAlive: true, maxSockets: 32, lookup }),
      connectionTimeout: 10_000,
      requestTimeout: socketTimeoutMs,
    }),
  });
  if (clients.size >= CLIENT_CACHE_SIZE) {
    const [oldest] = clients.keys();
    clients.get(oldest!)?.destroy();
    clients.delete(oldest!);
  }
  clients.set(key, client);
  return client;
}

// ---------------------------------------------------------------------------------------------
// Errors

type SdkError = S3ServiceException & { $response?: { statusCode?: number; headers?: Record<string, string> }; Region?: string; Code?: string };

function statusOf(error: SdkError): number | undefined {
  return error.$metadata?.httpStatusCode ?? error.$response?.statusCode;
}

/** The region S3 says the bucket is in, from a redirect header or an error body. */
export function bucketRegionOf(error: unknown): string | undefined {
  const e = error as SdkError;
  const header = e?.$response?.headers?.["x-amz-bucket-region"];
  if (typeof header === "string" && header) return header;
  if (typeof e?.Region === "string" && e.Region) return e.Region;
  const said = typeof e?.message === "string" ? /expecting '([a-z0-9-]+)'/.exec(e.message) : null;
  return said?.[1];
}

const CATEGORY_BY_CODE: Record<string, ErrorCategory> = {
  SlowDown: "rate_limit",
  ServiceUnavailable: "transient",
  InternalError: "transient",
  RequestTimeout: "transient",
  SignatureDoesNotMatch: "auth",
  InvalidAccessKeyId: "auth",
  AccessDenied: "auth",
  Forbidden: "auth",
  AccountProblem: "auth",
  NoSuchBucket: "permanent",
  NoSuchKey: "permanent",
  NotFound: "permanent",
  PermanentRedirect: "permanent",
  AuthorizationHeaderMalformed: "permanent",
  RequestTimeTooSkewed: "permanent",
  EntityTooLarge: "validation",
  EntityTooSmall: "validation",
  InvalidArgument: "validation",
};

const MESSAGE_BY_CODE: Record<string, string> = {
  SignatureDoesNotMatch: "The storage service rejected the request signature: the secret access key does not belong to this access key ID",
  InvalidAccessKeyId: "The storage service does not know this access key ID",
  RequestTimeTooSkewed: "The storage service says this server's clock is off by more than 15 minutes: fix the clock (NTP)",
};

/** Maps what the SDK threw onto the pipeline's categories, with S3's code kept as the provider code. */
export function classifyS3Error(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof UrlRefusedError)
    return new ProviderError(`The endpoint is refused: ${error.message}`, { category: "permanent", providerCode: "address_refused", cause: error });
  const e = error as SdkError;
  const status = e && typeof e === "object" ? statusOf(e) : undefined;
  if (status !== undefined && status >= 300) {
    const code = e.name && e.name !== "Error" && e.name !== "UnknownError" ? e.name : (e.Code ?? String(status));
    const region = bucketRegionOf(e);
    if (region && (status === 301 || code === "PermanentRedirect" || code === "AuthorizationHeaderMalformed" || code === "AuthorizationQueryParametersError")) {
      return new ProviderError(`The bucket is in region ${region}: set the connection's region to ${region}`, {
        category: "permanent",
        statusCode: status,
        providerCode: "wrong_region",
        cause: error,
      });
    }
    const category = CATEGORY_BY_CODE[code] ?? (status === 301 ? "permanent" : categoryForStatus(status));
    const said = MESSAGE_BY_CODE[code] ?? (e.message && e.message !== "UnknownError" && e.message !== code ? e.message : `HTTP ${status}`);
    const retryAfter = e.$response?.headers?.["retry-after"];
    return new ProviderError(`S3 answered ${code}: ${said}`, {
      category,
      statusCode: status,
      providerCode: code,
      ...(retryAfter && /^\d+$/.test(retryAfter) ? { retryAfterMs: Number(retryAfter) * 1000 } : {}),
      cause: error,
    });
  }
  const generic = classifyGeneric(error);
  const code = (error as NodeJS.ErrnoException)?.code ?? generic.providerCode;
  if (code === "ENOTFOUND" || code === "ECONNREFUSED" || code === "EHOSTUNREACH" || code === "ETIMEDOUT") {
    return new ProviderError(`The storage endpoint cannot be reached (${code}): check the endpoint address`, { category: "transient", providerCode: code, cause: error });
  }
  return generic;
}

// ---------------------------------------------------------------------------------------------
// Connection test

async function step<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const classified = classifyS3Error(error);
    throw new ProviderError(`${what}: ${classified.message}`, {
      category: classified.category,
      ...(classified.statusCode !== undefined ? { statusCode: classified.statusCode } : {}),
      ...(classified.providerCode !== undefined ? { providerCode: classified.providerCode } : {}),
      cause: error,
    });
  }
}

/** Why HeadBucket failed, in words: a HEAD answer has no body, so a 403 is asked again with a GET. */
async function explainHeadBucketFailure(client: S3Client, settings: S3Settings, error: unknown, ctx: AdapterContext): Promise<ProviderError> {
  const status = statusOf(error as SdkError);
  const where = endpointLabel(settings);
  const region = bucketRegionOf(error);
  if (status === 301 || (region && region !== settings.region)) {
    return new ProviderError(
      `The bucket ${settings.bucket} is in region ${region ?? "another region"}, not ${settings.region}: set the region to ${region ?? "the bucket's region"}`,
      {
        category: "permanent",
        statusCode: status ?? 301,
        providerCode: "wrong_region",
        cause: error,
      },
    );
  }
  if (status === 404) {
    return new ProviderError(`There is no bucket named ${settings.bucket} at ${where}: check the bucket name${settings.endpoint ? " and the endpoint" : " and the region"}`, {
      category: "permanent",
      statusCode: 404,
      providerCode: "NoSuchBucket",
      cause: error,
    });
  }
  if (status === 403) {
    try {
      await client.send(new ListObjectsV2Command({ Bucket: settings.bucket, MaxKeys: 1, Prefix: settings.prefix || undefined }), { abortSignal: ctx.signal });
    } catch (detail) {
      const classified = classifyS3Error(detail);
      if (classified.providerCode === "SignatureDoesNotMatch" || classified.providerCode === "InvalidAccessKeyId") return classified;
      if (classified.providerCode === "wrong_region") return explainHeadBucketFailure(client, settings, detail, ctx);
    }
    return new ProviderError(
      `The access key may not use the bucket ${settings.bucket}: give it s3:ListBucket on the bucket and s3:PutObject, s3:GetObject and s3:DeleteObject on ${settings.prefix || "its objects"}*`,
      { category: "auth", statusCode: 403, providerCode: "AccessDenied", cause: error },
    );
  }
  return classifyS3Error(error);
}

/** HeadBucket, then a probe object written, read back and deleted under the prefix. */
export async function testS3Connection(fields: Record<string, string>, ctx: AdapterContext): Promise<TestOutcome> {
  const settings = s3Settings(fields);
  const client = s3Client(settings);
  const options = { abortSignal: ctx.signal };
  try {
    await client.send(new HeadBucketCommand({ Bucket: settings.bucket }), options);
  } catch (error) {
    throw await explainHeadBucketFailure(client, settings, error, ctx);
  }
  const key = `${settings.prefix}.plugboard-probe/${randomUUID()}`;
  const body = `Plugboard connection test ${new Date().toISOString()}`;
  await step("Writing a probe object failed", () => client.send(new PutObjectCommand({ Bucket: settings.bucket, Key: key, Body: body, ContentType: "text/plain" }), options));
  try {
    const read = await step("Reading the probe object back failed", async () => {
      const answer = await client.send(new GetObjectCommand({ Bucket: settings.bucket, Key: key }), options);
      return (await answer.Body?.transformToString()) ?? "";
    });
    if (read !== body)
      throw new ProviderError("The probe object read back differs from what was written: the endpoint is not behaving like S3", {
        category: "permanent",
        providerCode: "probe_mismatch",
      });
  } finally {
    await step("Deleting the probe object failed", () => client.send(new DeleteObjectCommand({ Bucket: settings.bucket, Key: key }), options));
  }
  const endpoint = settings.endpoint ?? `aws:${settings.region}`;
  return {
    accountLabel: `${settings.bucket} · ${endpointLabel(settings)}${settings.prefix ? ` · ${settings.prefix}` : ""}`,
    // Several connections may share a bucket under different prefixes; the same prefix is the same connection.
    accountId: `${endpoint}/${settings.bucket}/${settings.prefix}`,
  };
}

export const s3Adapter: ApiKeyAdapter = {
  testConnection: testS3Connection,
  classifyError: classifyS3Error,
};
