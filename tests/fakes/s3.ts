// A fake S3-compatible server for tests and benchmarks, driven by the real AWS SDK. It enforces
// what a real bucket enforces — SigV4 signatures (header, presigned URL and POST policy), the
// bucket's region, key permissions, body hashes and checksums, CORS, the multipart rules — and
// answers with S3's status codes and XML, so a client bug shows up as the error S3 would give.
// Bodies are streamed and hashed as they arrive; with keepBodies: false nothing of them is kept.
//
// Its own node:http server (not tests/fakes/http.ts): S3 bodies are binary and can be large.
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import busboy from "busboy";
import { BodyDigest, checksumAlgorithmOf, decodeAwsChunked, type ChecksumAlgorithm, type Digest } from "@/tests/fakes/s3-body";
import { checkPostPolicy, fieldValue, type PostFormField } from "@/tests/fakes/s3-post";
import { checkSignature, parseHeaderAuth, parseQuery, parseQueryAuth, uriEncode, UNSIGNED_PAYLOAD, type RequestParts, type SignedRequest } from "@/tests/fakes/s3-sigv4";
import { defaultMessage, errorXml, hostId, newRequestId, S3Error, xmlDocument, xmlElements, xmlItems, xmlText } from "@/tests/fakes/s3-wire";

export interface FakeS3Options {
  port?: number; // 0 by default; listens on 127.0.0.1
  /** Host names that are the endpoint itself; a Host of `<bucket>.<one of these>` is virtual-hosted style. Default ["localhost", "s3.localhost"]. */
  baseHosts?: string[];
  /** Keep object bodies (default true). false: bodies above 64 KB keep only size, MD5/ETag and SHA-256 computed while streaming (for a 200 MB benchmark). */
  keepBodies?: boolean;
  /** Injectable clock for expiry tests (x-amz-date skew, presigned URL and POST policy expiry, Last-Modified). */
  now?: () => Date;
  /** Allowed clock skew for x-amz-date, default 15 minutes. */
  maxSkewMs?: number;
}
export interface FakeS3Bucket {
  region?: string /* default "us-east-1" */;
  corsOrigins?: string[] /* origins allowed by the bucket's CORS rules; "*" allowed */;
}
export interface FakeS3Object {
  key: string;
  size: number;
  contentType: string | null;
  etag: string;
  /**
   * Hex SHA-256 of the body. For a multipart object whose part bodies were not kept
   * (keepBodies: false) it is S3's composite form instead: the SHA-256 of the parts' binary
   * SHA-256s, then `-<part count>`.
   */
  sha256: string;
  body?: Buffer;
  metadata: Record<string, string>;
  /** The Content-Disposition it was stored with (downloads answer with it). */
  contentDisposition: string | null;
  lastModified: Date;
}
export interface FakeS3Request {
  method: string;
  host: string;
  /** The path as sent (still percent-encoded). */
  path: string;
  query: Record<string, string>;
  style: "path" | "virtual" | "none";
  bucket: string | null;
  key: string | null;
  operation: string /* e.g. "HeadBucket", "PutObject", "UploadPart", "PostObject", "Preflight" */;
  /** 0 until answered. */
  status: number;
  errorCode?: string;
  authKind: "header" | "query" | "post-policy" | "none";
  /** Body bytes received (decoded from aws-chunked; the file part of a POST). */
  bytes: number;
}
export interface FakeS3 {
  url: string; // http://127.0.0.1:<port>
  port: number;
  /** Adds an access key. `buckets`: the only buckets it may use (others get AccessDenied); all when absent. */
  addKey(accessKeyId: string, secretAccessKey: string, options?: { buckets?: string[] }): void;
  createBucket(name: string, options?: FakeS3Bucket): void;
  objects(bucket: string): FakeS3Object[];
  getObject(bucket: string, key: string): FakeS3Object | undefined;
  putObject(bucket: string, key: string, body: Buffer | string, contentType?: string): void; // seeds data directly
  /** Uploads started and not completed/aborted. */
  pendingUploads(bucket: string): { key: string; uploadId: string; parts: number }[];
  requests: FakeS3Request[];
  /** The next `count` requests (default 1) answer this S3 error (e.g. {status: 503, code: "SlowDown"}, {status: 500, code: "InternalError"}). */
  failNext(error: { status: number; code: string; message?: string }, count?: number): void;
  setDelay(ms: number): void;
  reset(): void; // forget requests and injected failures (not buckets/keys/objects)
  /** Empties every bucket (objects and unfinished multipart uploads); buckets and keys stay. */
  clearObjects(): void;
  close(): Promise<void>;
}

const MIN_PART_SIZE = 5 * 1024 * 1024;
const MAX_KEYS = 1000;
/** DeleteObjects and CompleteMultipartUpload documents; S3 caps request documents too. */
const MAX_XML_BODY = 2 * 1024 * 1024;
const CORS_METHODS = "GET, PUT, POST, HEAD, DELETE";

interface Part {
  etag: string;
  md5: Buffer;
  sha256: Buffer;
  size: number;
  body?: Buffer;
}
interface Upload {
  uploadId: string;
  key: string;
  contentType: string | null;
  contentDisposition: string | null;
  metadata: Record<string, string>;
  parts: Map<number, Part>;
}
interface Bucket {
  name: string;
  region: string;
  corsOrigins: string[];
  objects: Map<string, FakeS3Object>;
  uploads: Map<string, Upload>;
}
interface AccessKey {
  secretAccessKey: string;
  buckets?: Set<string>;
}

/** The file part of a POST upload, as it streams in. */
interface PostFile {
  filename: string;
  /** Dropped once the file is refused or passes the policy's size limit. */
  digest?: BodyDigest;
  size: number;
}

/** One request on its way through the fake. */
interface Exchange {
  incoming: http.IncomingMessage;
  res: http.ServerResponse;
  record: FakeS3Request;
  requestId: string;
  parts: RequestParts;
  bucket?: Bucket;
  bucketName: string | null;
  key: string | null;
}

const quoteEtag = (md5: Buffer) => `"${md5.toString("hex")}"`;
const stripQuotes = (etag: string) => etag.trim().replace(/^"|"$/g, "");
const header = (incoming: http.IncomingMessage, name: string): string | undefined => {
  const v = incoming.headers[name];
  return Array.isArray(v) ? v.join(",") : v;
};
const noSuchKey = (key: string) => new S3Error(404, "NoSuchKey", "The specified key does not exist.", { Key: key });
const noSuchUpload = (uploadId: string) =>
  new S3Error(404, "NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.", { UploadId: uploadId });
const malformedXml = () => new S3Error(400, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema");
const notImplemented = (what: string) =>
  new S3Error(501, "NotImplemented", `A header or query you provided requested a function that is not implemented (the fake S3 does not do ${what}).`);

/**
 * `Range: bytes=a-b`, `bytes=a-` or `bytes=-n` as [first, last] byte; undefined when there is
 * none or S3 would ignore it (several ranges, not bytes); "unsatisfiable" for S3's 416.
 */
function parseRange(value: string | undefined, size: number): [number, number] | "unsatisfiable" | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(value?.trim() ?? "");
  if (!m || (m[1] === "" && m[2] === "")) return undefined;
  if (m[1] === "") {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return "unsatisfiable";
    return [Math.max(0, size - suffix), size - 1];
  }
  const first = Number(m[1]);
  const last = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== "" && Number(m[2]) < first) return undefined;
  if (first >= size) return "unsatisfiable";
  return [first, last];
}

/** Object keys sort in UTF-8 byte order in S3 listings. */
const compareKeys = (a: string, b: string) => Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));

/** Which S3 operation a request is, from its method, bucket/key and sub-resources. */
function operationOf(method: string, bucket: string | null, key: string | null, query: Record<string, string>, contentType: string): string {
  if (method === "OPTIONS") return "Preflight";
  if (!bucket) return method === "GET" ? "ListBuckets" : "Unknown";
  if (!key) {
    if (method === "HEAD" && Object.keys(query).length === 0) return "HeadBucket";
    if (method === "GET") return query["list-type"] === "2" ? "ListObjectsV2" : Object.keys(query).length === 0 ? "ListObjects" : "GetBucketSubresource";
    if (method === "POST" && "delete" in query) return "DeleteObjects";
    if (method === "POST" && Object.keys(query).length === 0) return contentType.startsWith("multipart/form-data") ? "PostObject" : "PostBucket";
    if (method === "PUT") return "CreateBucket";
    if (method === "DELETE") return "DeleteBucket";
    return "Unknown";
  }
  // Query parameters the SDK adds that name no sub-resource.
  const sub = Object.keys(query).filter((q) => q !== "x-id" && !q.startsWith("X-Amz-") && !q.startsWith("x-amz-") && !q.startsWith("response-"));
  const only = (...names: string[]) => sub.every((q) => names.includes(q));
  if (method === "PUT" && "partNumber" in query && "uploadId" in query && only("partNumber", "uploadId")) return "UploadPart";
  if (method === "PUT" && sub.length === 0) return "PutObject";
  if (method === "GET" && only("partNumber")) return "GetObject";
  if (method === "HEAD" && only("partNumber")) return "HeadObject";
  if (method === "DELETE" && "uploadId" in query && only("uploadId")) return "AbortMultipartUpload";
  if (method === "DELETE" && sub.length === 0) return "DeleteObject";
  if (method === "POST" && "uploads" in query && only("uploads")) return "CreateMultipartUpload";
  if (method === "POST" && "uploadId" in query && only("uploadId")) return "CompleteMultipartUpload";
  if (method === "GET" && "uploadId" in query) return "ListParts";
  return "Unknown";
}

const IMPLEMENTED = new Set([
  "HeadBucket",
  "ListObjectsV2",
  "DeleteObjects",
  "PutObject",
  "GetObject",
  "HeadObject",
  "DeleteObject",
  "CreateMultipartUpload",
  "UploadPart",
  "CompleteMultipartUpload",
  "AbortMultipartUpload",
]);

export async function startFakeS3(options: FakeS3Options = {}): Promise<FakeS3> {
  const now = options.now ?? (() => new Date());
  const keepBodies = options.keepBodies ?? true;
  const maxSkewMs = options.maxSkewMs ?? 15 * 60_000;
  // Longest first, so `b.s3.localhost` is bucket `b` on `s3.localhost`, not `b.s3` on `localhost`.
  const baseHosts = (options.baseHosts ?? ["localhost", "s3.localhost"]).map((h) => h.toLowerCase()).sort((a, b) => b.length - a.length);
  const buckets = new Map<string, Bucket>();
  const keys = new Map<string, AccessKey>();
  const requests: FakeS3Request[] = [];
  let failures: { status: number; code: string; message?: string }[] = [];
  let delayMs = 0;
  let url = "";

  /** Seconds precision: Last-Modified headers have no milliseconds, listings would disagree. */
  const modifiedNow = () => new Date(Math.floor(now().getTime() / 1000) * 1000);

  function bucketOrThrow(name: string): Bucket {
    const bucket = buckets.get(name);
    if (!bucket) throw new Error(`fake S3: no bucket ${name}`);
    return bucket;
  }

  // --- answering ------------------------------------------------------------------------------

  function corsHeaders(ex: Exchange): Record<string, string> {
    const origin = header(ex.incoming, "origin");
    const allowed = origin && ex.bucket ? allowedOrigin(ex.bucket, origin) : undefined;
    if (!allowed) return {};
    return { "access-control-allow-origin": allowed, vary: "Origin", "access-control-expose-headers": "ETag", "access-control-allow-methods": CORS_METHODS };
  }

  function allowedOrigin(bucket: Bucket, origin: string): string | undefined {
    if (bucket.corsOrigins.includes(origin)) return origin;
    return bucket.corsOrigins.includes("*") ? "*" : undefined;
  }

  function send(ex: Exchange, status: number, headers: Record<string, string>, body?: Buffer | string): void {
    ex.record.status = status;
    if (ex.res.headersSent || ex.res.destroyed) return;
    const data = body === undefined ? undefined : typeof body === "string" ? Buffer.from(body, "utf8") : body;
    ex.res.writeHead(status, {
      "x-amz-request-id": ex.requestId,
      "x-amz-id-2": hostId(ex.requestId),
      server: "AmazonS3",
      date: now().toUTCString(),
      ...corsHeaders(ex),
      ...(data !== undefined ? { "content-length": String(data.length) } : {}),
      ...headers,
    });
    ex.res.end(ex.record.method === "HEAD" ? undefined : data);
  }

  function sendXml(ex: Exchange, status: number, xml: string, headers: Record<string, string> = {}): void {
    send(ex, status, { "content-type": "application/xml", ...headers }, xml);
  }

  function sendError(ex: Exchange, error: S3Error): void {
    ex.record.errorCode = error.code;
    if (error.noBody || ex.record.method === "HEAD") return send(ex, error.status, { "content-length": "0", ...error.headers });
    sendXml(ex, error.status, errorXml(error, ex.requestId), error.headers);
  }

  async function drain(incoming: http.IncomingMessage): Promise<void> {
    if (incoming.readableEnded || incoming.destroyed) return;
    await new Promise<void>((resolve) => {
      incoming.once("end", resolve);
      incoming.once("close", resolve);
      incoming.resume();
    });
  }

  // --- the request ----------------------------------------------------------------------------

  function addressOf(hostHeader: string, rawPath: string): { style: FakeS3Request["style"]; bucket: string | null; rawKey: string | null } {
    const hostname = hostHeader.replace(/:\d+$/, "").toLowerCase();
    const base = baseHosts.find((b) => hostname.endsWith(`.${b}`));
    if (base) {
      const rawKey = rawPath.replace(/^\//, "");
      return { style: "virtual", bucket: hostname.slice(0, -(base.length + 1)), rawKey: rawKey === "" ? null : rawKey };
    }
    const m = /^\/([^/]+)(?:\/(.*))?$/.exec(rawPath);
    if (!m) return { style: "none", bucket: null, rawKey: null };
    return { style: "path", bucket: m[1]!, rawKey: m[2] ? m[2] : null };
  }

  async function handle(incoming: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const rawUrl = incoming.url ?? "/";
    const q = rawUrl.indexOf("?");
    const rawPath = q === -1 ? rawUrl : rawUrl.slice(0, q);
    const rawQuery = q === -1 ? "" : rawUrl.slice(q + 1);
    const query = Object.fromEntries(parseQuery(rawQuery));
    const method = (incoming.method ?? "GET").toUpperCase();
    const host = header(incoming, "host") ?? "";
    const address = addressOf(host, rawPath);
    let key: string | null = null;
    let badUri = false;
    try {
      key = address.rawKey === null ? null : decodeURIComponent(address.rawKey);
    } catch {
      badUri = true;
    }
    const bucketName = address.bucket === null ? null : decodeURIComponent(address.bucket);
    const record: FakeS3Request = {
      method,
      host,
      path: rawPath,
      query,
      style: address.style,
      bucket: bucketName,
      key,
      operation: operationOf(method, bucketName, key, query, header(incoming, "content-type") ?? ""),
      status: 0,
      authKind: "none",
      bytes: 0,
    };
    requests.push(record);
    const ex: Exchange = {
      incoming,
      res,
      record,
      requestId: newRequestId(),
      parts: { method, rawPath, rawQuery, headers: incoming.headers, headersDistinct: incoming.headersDistinct as Record<string, string[]> },
      bucket: bucketName ? buckets.get(bucketName) : undefined,
      bucketName,
      key,
    };
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    try {
      const injected = failures.shift();
      if (injected) throw new S3Error(injected.status, injected.code, injected.message ?? defaultMessage(injected.code));
      if (badUri) throw new S3Error(400, "InvalidURI", "Couldn't parse the specified URI.", { URI: rawPath });
      await route(ex);
    } catch (error) {
      const s3Error = error instanceof S3Error ? error : new S3Error(500, "InternalError", `We encountered an internal error. Please try again. (fake S3: ${String(error)})`);
      // Answer once the body is in, so the client is not cut off mid-upload.
      await drain(incoming);
      sendError(ex, s3Error);
    }
  }

  async function route(ex: Exchange): Promise<void> {
    const op = ex.record.operation;
    if (op === "Preflight") return preflight(ex);
    if (op === "PostObject") return postObject(ex);
    const signed = authenticate(ex);
    if (!IMPLEMENTED.has(op)) throw notImplemented(op);
    const bucket = ex.bucket;
    if (!bucket) {
      const error = new S3Error(404, "NoSuchBucket", "The specified bucket does not exist", { BucketName: ex.bucketName ?? "" });
      throw error;
    }
    const access = keys.get(signed.credential.accessKeyId)!;
    if (access.buckets && !access.buckets.has(bucket.name)) throw new S3Error(403, "AccessDenied", "Access Denied");
    switch (op) {
      case "HeadBucket":
        await readBody(ex, signed, false);
        return send(ex, 200, { "x-amz-bucket-region": bucket.region, "content-length": "0" });
      case "ListObjectsV2":
        await readBody(ex, signed, false);
        return listObjects(ex, bucket);
      case "PutObject":
        return putObject(ex, bucket, signed);
      case "GetObject":
      case "HeadObject":
        await readBody(ex, signed, false);
        return getObject(ex, bucket);
      case "DeleteObject":
        await readBody(ex, signed, false);
        bucket.objects.delete(ex.key!);
        return send(ex, 204, {});
      case "DeleteObjects":
        return deleteObjects(ex, bucket, signed);
      case "CreateMultipartUpload":
        await readBody(ex, signed, false);
        return createMultipartUpload(ex, bucket);
      case "UploadPart":
        return uploadPart(ex, bucket, signed);
      case "CompleteMultipartUpload":
        return completeMultipartUpload(ex, bucket, signed);
      case "AbortMultipartUpload": {
        await readBody(ex, signed, false);
        uploadOf(ex, bucket);
        bucket.uploads.delete(ex.record.query.uploadId!);
        return send(ex, 204, {});
      }
    }
  }

  // --- authentication -------------------------------------------------------------------------

  /** Checks a header- or query-signed request up to (not including) its body. */
  function authenticate(ex: Exchange): SignedRequest {
    const { incoming, record } = ex;
    let signed: SignedRequest;
    if (incoming.headers.authorization !== undefined) {
      record.authKind = "header";
      signed = parseHeaderAuth(ex.parts);
    } else if ("X-Amz-Algorithm" in record.query || "X-Amz-Credential" in record.query) {
      record.authKind = "query";
      signed = parseQueryAuth(ex.parts, record.query);
    } else {
      throw new S3Error(403, "AccessDenied", "Access Denied");
    }
    const { accessKeyId, region } = signed.credential;
    const access = keys.get(accessKeyId);
    if (!access) throw new S3Error(403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", { AWSAccessKeyId: accessKeyId });
    if (ex.bucket && region !== ex.bucket.region) {
      const expected = ex.bucket.region;
      const headers = { "x-amz-bucket-region": expected };
      if (record.operation === "HeadBucket") throw new S3Error(301, "PermanentRedirect", "", {}, headers, true);
      if (signed.kind === "query") {
        throw new S3Error(
          400,
          "AuthorizationQueryParametersError",
          `Error parsing the X-Amz-Credential parameter; the region '${region}' is wrong; expecting '${expected}'`,
          { Region: expected },
          headers,
        );
      }
      throw new S3Error(
        400,
        "AuthorizationHeaderMalformed",
        `The authorization header is malformed; the region '${region}' is wrong; expecting '${expected}'`,
        { Region: expected },
        headers,
      );
    }
    const mismatch = checkSignature(ex.parts, signed, access.secretAccessKey);
    if (mismatch) throw mismatch;
    const serverTime = now();
    if (signed.kind === "query") {
      const expires = new Date(signed.date.getTime() + signed.expiresSeconds! * 1000);
      if (serverTime.getTime() > expires.getTime()) {
        throw new S3Error(403, "AccessDenied", "Request has expired", { "X-Amz-Expires": String(signed.expiresSeconds), Expires: iso(expires), ServerTime: iso(serverTime) });
      }
      if (signed.date.getTime() - serverTime.getTime() > maxSkewMs) throw new S3Error(403, "AccessDenied", "Request is not valid yet");
    } else if (Math.abs(serverTime.getTime() - signed.date.getTime()) > maxSkewMs) {
      throw new S3Error(403, "RequestTimeTooSkewed", "The difference between the request time and the current time is too large.", {
        RequestTime: signed.amzDate,
        ServerTime: iso(serverTime),
        MaxAllowedSkewMilliseconds: String(maxSkewMs),
      });
    }
    const payload = signed.payloadHash;
    if (!/^[0-9a-f]{64}$/.test(payload) && payload !== UNSIGNED_PAYLOAD && !payload.startsWith("STREAMING-")) {
      throw new S3Error(
        400,
        "InvalidArgument",
        "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD or a valid sha256 value.",
        {
          ArgumentName: "x-amz-content-sha256",
          ArgumentValue: payload,
        },
      );
    }
    if (payload.startsWith("STREAMING-") && payload !== "STREAMING-UNSIGNED-PAYLOAD-TRAILER") throw notImplemented(`${payload} (signed aws-chunked payloads)`);
    return signed;
  }

  const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");

  // --- bodies ---------------------------------------------------------------------------------

  /**
   * Reads the body as it streams in — decoding aws-chunked, hashing — and checks it against
   * x-amz-content-sha256, Content-MD5 and x-amz-checksum-* (header or trailer) once it is all
   * in, before anything is stored.
   */
  async function readBody(ex: Exchange, signed: SignedRequest, keep: boolean): Promise<Digest> {
    const { incoming } = ex;
    const awsChunked = (header(incoming, "content-encoding") ?? "").split(",").some((e) => e.trim() === "aws-chunked");
    const streaming = signed.payloadHash === "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
    if (streaming !== awsChunked) throw new S3Error(400, "InvalidRequest", "STREAMING-UNSIGNED-PAYLOAD-TRAILER goes with Content-Encoding: aws-chunked, and only with it.");
    const claimed = new Map<ChecksumAlgorithm, string>();
    for (const [name, value] of Object.entries(incoming.headers)) {
      const algorithm = checksumAlgorithmOf(name);
      if (algorithm && typeof value === "string") claimed.set(algorithm, value);
    }
    const trailerName = header(incoming, "x-amz-trailer")?.trim().toLowerCase();
    const trailerAlgorithm = trailerName ? checksumAlgorithmOf(trailerName) : undefined;
    const trailers = new Map<string, string>();
    const digest = new BodyDigest([...claimed.keys(), ...(trailerAlgorithm ? [trailerAlgorithm] : [])], keep);
    const source = awsChunked ? decodeAwsChunked(incoming, trailers) : incoming;
    for await (const chunk of source) digest.update(chunk as Buffer);
    ex.record.bytes = digest.bytes;
    const result = digest.finish();

    if (/^[0-9a-f]{64}$/.test(signed.payloadHash) && result.sha256.toString("hex") !== signed.payloadHash) {
      throw new S3Error(400, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.", {
        ClientComputedContentSHA256: signed.payloadHash,
        S3ComputedContentSHA256: result.sha256.toString("hex"),
      });
    }
    if (awsChunked) {
      const decodedLength = header(incoming, "x-amz-decoded-content-length");
      if (decodedLength !== undefined && Number(decodedLength) !== result.size)
        throw new S3Error(400, "IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header");
      if (trailerName) {
        const value = trailers.get(trailerName);
        if (value === undefined)
          throw new S3Error(400, "MalformedTrailerError", "The request contained trailing data that was not well-formed or did not conform to our published schema.");
        if (trailerAlgorithm) claimed.set(trailerAlgorithm, value);
      }
    }
    const contentMd5 = header(incoming, "content-md5");
    if (contentMd5 !== undefined) {
      const expected = Buffer.from(contentMd5, "base64");
      if (expected.length !== 16) throw new S3Error(400, "InvalidDigest", "The Content-MD5 you specified was invalid.", { "Content-MD5": contentMd5 });
      if (!expected.equals(result.md5)) {
        throw new S3Error(400, "BadDigest", "The Content-MD5 you specified did not match what we received.", {
          ExpectedDigest: contentMd5,
          CalculatedDigest: result.md5.toString("base64"),
        });
      }
    }
    for (const [algorithm, value] of claimed) {
      const computed = result.checksums[algorithm];
      if (computed !== undefined && computed !== value) throw new S3Error(400, "BadDigest", `The ${algorithm.toUpperCase()} you specified did not match the calculated checksum.`);
    }
    return result;
  }

  function metadataFrom(entries: [string, string | string[] | undefined][]): Record<string, string> {
    const metadata: Record<string, string> = {};
    for (const [name, value] of entries) {
      const lower = name.toLowerCase();
      if (lower.startsWith("x-amz-meta-") && value !== undefined) metadata[lower.slice("x-amz-meta-".length)] = Array.isArray(value) ? value.join(",") : value;
    }
    return metadata;
  }

  function storeObject(
    bucket: Bucket,
    key: string,
    digest: Digest,
    contentType: string | null,
    metadata: Record<string, string>,
    contentDisposition: string | null = null,
  ): FakeS3Object {
    const object: FakeS3Object = {
      key,
      size: digest.size,
      contentType,
      contentDisposition,
      etag: quoteEtag(digest.md5),
      sha256: digest.sha256.toString("hex"),
      body: digest.body,
      metadata,
      lastModified: modifiedNow(),
    };
    bucket.objects.set(key, object);
    return object;
  }

  // --- operations -----------------------------------------------------------------------------

  async function putObject(ex: Exchange, bucket: Bucket, signed: SignedRequest): Promise<void> {
    const digest = await readBody(ex, signed, keepBodies);
    const object = storeObject(
      bucket,
      ex.key!,
      digest,
      header(ex.incoming, "content-type") ?? null,
      metadataFrom(Object.entries(ex.incoming.headers)),
      header(ex.incoming, "content-disposition") ?? null,
    );
    send(ex, 200, { etag: object.etag, "content-length": "0" });
  }

  function getObject(ex: Exchange, bucket: Bucket): void {
    const object = bucket.objects.get(ex.key!);
    if (!object) throw noSuchKey(ex.key!);
    const headers: Record<string, string> = {
      "content-type": object.contentType ?? "binary/octet-stream",
      etag: object.etag,
      "last-modified": object.lastModified.toUTCString(),
      "accept-ranges": "bytes",
    };
    if (object.contentDisposition) headers["content-disposition"] = object.contentDisposition;
    // A signed request may override the answer's headers (how a presigned link names the download).
    if (ex.record.authKind !== "none") {
      const q = ex.record.query;
      if (q["response-content-type"]) headers["content-type"] = q["response-content-type"];
      if (q["response-content-disposition"]) headers["content-disposition"] = q["response-content-disposition"];
    }
    for (const [name, value] of Object.entries(object.metadata)) headers[`x-amz-meta-${name}`] = value;
    const range = parseRange(header(ex.incoming, "range"), object.size);
    if (range === "unsatisfiable") {
      throw new S3Error(
        416,
        "InvalidRange",
        "The requested range is not satisfiable",
        { RangeRequested: header(ex.incoming, "range")!, ActualObjectSize: String(object.size) },
        { "content-range": `bytes */${object.size}` },
      );
    }
    const [start, end] = range ?? [0, object.size - 1];
    const length = Math.max(0, end - start + 1);
    if (range) headers["content-range"] = `bytes ${start}-${end}/${object.size}`;
    if (ex.record.method === "HEAD") return send(ex, range ? 206 : 200, { ...headers, "content-length": String(length) });
    if (!object.body) throw notImplemented("GetObject of an object whose body was not kept (keepBodies: false)");
    send(ex, range ? 206 : 200, headers, object.body.subarray(start, end + 1));
  }

  function listObjects(ex: Exchange, bucket: Bucket): void {
    const q = ex.record.query;
    const prefix = q.prefix ?? "";
    const delimiter = q.delimiter || undefined;
    const maxKeysText = q["max-keys"] ?? String(MAX_KEYS);
    if (!/^\d+$/.test(maxKeysText))
      throw new S3Error(400, "InvalidArgument", "Provided max-keys not an integer or within integer range", { ArgumentName: "max-keys", ArgumentValue: maxKeysText });
    const maxKeys = Math.min(Number(maxKeysText), MAX_KEYS);
    let after = q["start-after"] ?? "";
    if (q["continuation-token"] !== undefined) {
      const decoded = Buffer.from(q["continuation-token"], "base64url").toString("utf8");
      if (!decoded.startsWith("fake-s3:")) throw new S3Error(400, "InvalidArgument", "The continuation token provided is incorrect", { ArgumentName: "continuation-token" });
      after = decoded.slice("fake-s3:".length);
    }
    const encode = q["encoding-type"] === "url" ? (s: string) => uriEncode(s).replace(/%2F/g, "/") : (s: string) => s;
    const sorted = [...bucket.objects.values()].filter((o) => o.key.startsWith(prefix) && compareKeys(o.key, after) > 0).sort((a, b) => compareKeys(a.key, b.key));

    const contents: FakeS3Object[] = [];
    const commonPrefixes: string[] = [];
    let truncated = false;
    let lastReturned = "";
    for (const object of sorted) {
      const rest = object.key.slice(prefix.length);
      const cut = delimiter ? rest.indexOf(delimiter) : -1;
      const common = cut === -1 ? undefined : prefix + rest.slice(0, cut + delimiter!.length);
      if (common !== undefined && common === commonPrefixes.at(-1)) continue;
      if (contents.length + commonPrefixes.length >= maxKeys) {
        truncated = true;
        break;
      }
      if (common !== undefined) {
        commonPrefixes.push(common);
        // Resume after every key under this prefix.
        lastReturned = common + "\u{10FFFF}";
      } else {
        contents.push(object);
        lastReturned = object.key;
      }
    }
    const inner =
      xmlElements([
        ["Name", bucket.name],
        ["Prefix", encode(prefix)],
        ["Delimiter", delimiter && encode(delimiter)],
        ["MaxKeys", maxKeys],
        ["EncodingType", q["encoding-type"]],
        ["KeyCount", contents.length + commonPrefixes.length],
        ["IsTruncated", truncated],
        ["ContinuationToken", q["continuation-token"]],
        ["NextContinuationToken", truncated ? Buffer.from(`fake-s3:${lastReturned}`, "utf8").toString("base64url") : undefined],
        ["StartAfter", q["start-after"] !== undefined ? encode(q["start-after"]) : undefined],
      ]) +
      contents
        .map(
          (o) =>
            `<Contents>${xmlElements([
              ["Key", encode(o.key)],
              ["LastModified", o.lastModified.toISOString()],
              ["ETag", o.etag],
              ["Size", o.size],
              ["StorageClass", "STANDARD"],
            ])}</Contents>`,
        )
        .join("") +
      commonPrefixes.map((p) => `<CommonPrefixes>${xmlElements([["Prefix", encode(p)]])}</CommonPrefixes>`).join("");
    sendXml(ex, 200, xmlDocument("ListBucketResult", inner));
  }

  async function deleteObjects(ex: Exchange, bucket: Bucket, signed: SignedRequest): Promise<void> {
    const digest = await readBody(ex, signed, true);
    const hasChecksum =
      Object.keys(ex.incoming.headers).some((name) => name === "content-md5" || checksumAlgorithmOf(name) !== undefined) || header(ex.incoming, "x-amz-trailer") !== undefined;
    if (!hasChecksum) throw new S3Error(400, "InvalidRequest", "Missing required header for this request: Content-Md5");
    if (digest.size > MAX_XML_BODY) throw malformedXml();
    const doc = xmlItems(digest.body!.toString("utf8"), "Delete", "Object");
    if (!doc || doc.items.length === 0 || doc.items.length > 1000) throw malformedXml();
    const objectKeys = doc.items.map((item) => xmlText(item, "Key"));
    if (objectKeys.some((k) => k === undefined || k === "")) throw malformedXml();
    const quiet = xmlText(doc.inner.replace(/<Object(?:\s[^>]*)?>[\s\S]*?<\/Object>/g, ""), "Quiet") === "true";
    for (const key of objectKeys) bucket.objects.delete(key!);
    const inner = quiet ? "" : objectKeys.map((key) => `<Deleted>${xmlElements([["Key", key!]])}</Deleted>`).join("");
    sendXml(ex, 200, xmlDocument("DeleteResult", inner));
  }

  function createMultipartUpload(ex: Exchange, bucket: Bucket): void {
    const upload: Upload = {
      uploadId: crypto.randomBytes(24).toString("base64url"),
      key: ex.key!,
      contentType: header(ex.incoming, "content-type") ?? null,
      contentDisposition: header(ex.incoming, "content-disposition") ?? null,
      metadata: metadataFrom(Object.entries(ex.incoming.headers)),
      parts: new Map(),
    };
    bucket.uploads.set(upload.uploadId, upload);
    sendXml(
      ex,
      200,
      xmlDocument(
        "InitiateMultipartUploadResult",
        xmlElements([
          ["Bucket", bucket.name],
          ["Key", upload.key],
          ["UploadId", upload.uploadId],
        ]),
      ),
    );
  }

  function uploadOf(ex: Exchange, bucket: Bucket): Upload {
    const uploadId = ex.record.query.uploadId ?? "";
    const upload = bucket.uploads.get(uploadId);
    if (!upload || upload.key !== ex.key) throw noSuchUpload(uploadId);
    return upload;
  }

  async function uploadPart(ex: Exchange, bucket: Bucket, signed: SignedRequest): Promise<void> {
    const partText = ex.record.query.partNumber ?? "";
    const partNumber = /^\d{1,5}$/.test(partText) ? Number(partText) : NaN;
    if (!(partNumber >= 1 && partNumber <= 10_000)) {
      throw new S3Error(400, "InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive", { ArgumentName: "partNumber", ArgumentValue: partText });
    }
    uploadOf(ex, bucket);
    const digest = await readBody(ex, signed, keepBodies);
    // Aborted while the part was streaming in?
    const upload = uploadOf(ex, bucket);
    const part: Part = { etag: quoteEtag(digest.md5), md5: digest.md5, sha256: digest.sha256, size: digest.size, body: digest.body };
    upload.parts.set(partNumber, part);
    send(ex, 200, { etag: part.etag, "content-length": "0" });
  }

  async function completeMultipartUpload(ex: Exchange, bucket: Bucket, signed: SignedRequest): Promise<void> {
    uploadOf(ex, bucket);
    const digest = await readBody(ex, signed, true);
    const upload = uploadOf(ex, bucket);
    if (digest.size > MAX_XML_BODY) throw malformedXml();
    const doc = xmlItems(digest.body!.toString("utf8"), "CompleteMultipartUpload", "Part");
    if (!doc || doc.items.length === 0) throw malformedXml();
    const listed = doc.items.map((item) => ({ number: Number(xmlText(item, "PartNumber") ?? "NaN"), etag: xmlText(item, "ETag") ?? "" }));
    if (listed.some((p) => !Number.isInteger(p.number))) throw malformedXml();
    for (let i = 1; i < listed.length; i++) {
      if (listed[i]!.number <= listed[i - 1]!.number) {
        throw new S3Error(400, "InvalidPartOrder", "The list of parts was not in ascending order. Parts must be ordered by part number.", { UploadId: upload.uploadId });
      }
    }
    const parts = listed.map((p) => {
      const part = upload.parts.get(p.number);
      if (!part || stripQuotes(part.etag) !== stripQuotes(p.etag)) {
        throw new S3Error(
          400,
          "InvalidPart",
          "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
          {
            UploadId: upload.uploadId,
            PartNumber: String(p.number),
            ETag: p.etag,
          },
        );
      }
      return { number: p.number, part };
    });
    parts.slice(0, -1).forEach(({ number, part }) => {
      if (part.size < MIN_PART_SIZE) {
        throw new S3Error(400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size", {
          ProposedSize: String(part.size),
          MinSizeAllowed: String(MIN_PART_SIZE),
          PartNumber: String(number),
          ETag: part.etag,
        });
      }
    });
    const allBodies = parts.every(({ part }) => part.body !== undefined);
    const body = allBodies ? Buffer.concat(parts.map(({ part }) => part.body!)) : undefined;
    const composite = (hashes: Buffer[], algorithm: string) => `${crypto.createHash(algorithm).update(Buffer.concat(hashes)).digest("hex")}-${hashes.length}`;
    const object: FakeS3Object = {
      key: upload.key,
      size: parts.reduce((sum, { part }) => sum + part.size, 0),
      contentType: upload.contentType,
      contentDisposition: upload.contentDisposition,
      etag: `"${composite(
        parts.map(({ part }) => part.md5),
        "md5",
      )}"`,
      sha256: body
        ? crypto.createHash("sha256").update(body).digest("hex")
        : composite(
            parts.map(({ part }) => part.sha256),
            "sha256",
          ),
      body: keepBodies ? body : undefined,
      metadata: upload.metadata,
      lastModified: modifiedNow(),
    };
    bucket.uploads.delete(upload.uploadId);
    bucket.objects.set(object.key, object);
    sendXml(
      ex,
      200,
      xmlDocument(
        "CompleteMultipartUploadResult",
        xmlElements([
          ["Location", `${url}/${bucket.name}/${uriEncode(object.key).replace(/%2F/g, "/")}`],
          ["Bucket", bucket.name],
          ["Key", object.key],
          ["ETag", object.etag],
        ]),
      ),
    );
  }

  // --- CORS preflight and browser uploads -----------------------------------------------------

  async function preflight(ex: Exchange): Promise<void> {
    await drain(ex.incoming);
    const origin = header(ex.incoming, "origin");
    const method = header(ex.incoming, "access-control-request-method");
    if (!origin || !method) throw new S3Error(400, "BadRequest", "Insufficient information. Origin request header needed.");
    const refused = new S3Error(403, "AccessForbidden", "CORSResponse: This CORS request is not allowed.", { Method: method, ResourceType: ex.key ? "OBJECT" : "BUCKET" });
    if (!ex.bucket) throw new S3Error(403, "AccessForbidden", "CORSResponse: Bucket not found", { Method: method, ResourceType: "BUCKET" });
    const allowed = allowedOrigin(ex.bucket, origin);
    if (!allowed || !CORS_METHODS.split(", ").includes(method.toUpperCase())) throw refused;
    const requestedHeaders = header(ex.incoming, "access-control-request-headers");
    send(ex, 200, {
      "access-control-allow-origin": allowed,
      "access-control-allow-methods": CORS_METHODS,
      ...(requestedHeaders ? { "access-control-allow-headers": requestedHeaders } : {}),
      "access-control-expose-headers": "ETag",
      vary: "Origin, Access-Control-Request-Headers, Access-Control-Request-Method",
      "content-length": "0",
    });
  }

  async function postObject(ex: Exchange): Promise<void> {
    const { incoming, record } = ex;
    const bucket = ex.bucket;
    if (!bucket) throw new S3Error(404, "NoSuchBucket", "The specified bucket does not exist", { BucketName: ex.bucketName ?? "" });
    record.authKind = "post-policy";
    const fields: PostFormField[] = [];
    // Filled in by the parser's callbacks.
    const form: { file?: PostFile; failure?: S3Error; lengthRange?: { min: number; max: number } } = {};
    const malformed = () => new S3Error(400, "MalformedPOSTRequest", "The body of your POST request is not well-formed multipart/form-data.");

    await new Promise<void>((resolve) => {
      let parser: busboy.Busboy;
      try {
        parser = busboy({ headers: incoming.headers, limits: { fields: 100, fieldSize: 64 * 1024, parts: 200 } });
      } catch {
        form.failure = malformed();
        return resolve();
      }
      parser.on("field", (name, value) => {
        // S3 ignores the fields after the file.
        if (!form.file) fields.push({ name, value });
      });
      parser.on("file", (name, stream, info) => {
        if (form.file || name.toLowerCase() !== "file") {
          stream.resume();
          return;
        }
        const file: PostFile = { filename: info.filename ?? "", size: 0 };
        form.file = file;
        try {
          form.lengthRange = checkPostPolicy(fields, {
            bucket: bucket.name,
            bucketRegion: bucket.region,
            now: now(),
            lookupKey(id) {
              const access = keys.get(id);
              return access && { secretAccessKey: access.secretAccessKey, allowed: !access.buckets || access.buckets.has(bucket.name) };
            },
          }).lengthRange;
          file.digest = new BodyDigest([], keepBodies);
        } catch (error) {
          form.failure = error instanceof S3Error ? error : new S3Error(500, "InternalError", String(error));
        }
        const max = form.lengthRange?.max ?? Infinity;
        stream.on("data", (chunk: Buffer) => {
          file.size += chunk.length;
          // Past the policy's limit the rest is only counted, never kept.
          if (file.size > max) file.digest = undefined;
          file.digest?.update(chunk);
        });
      });
      parser.on("error", () => {
        form.failure ??= malformed();
        incoming.unpipe(parser);
        resolve();
      });
      parser.on("close", () => resolve());
      incoming.pipe(parser);
    });

    await drain(incoming);
    const { file, failure, lengthRange } = form;
    if (failure) throw failure;
    if (!file) {
      if (!fieldValue(fields, "policy") && !fieldValue(fields, "x-amz-signature")) throw new S3Error(403, "AccessDenied", "Access Denied");
      throw new S3Error(400, "InvalidArgument", "POST requires exactly one file upload per request.", { ArgumentName: "file", ArgumentValue: "0" });
    }
    record.bytes = file.size;
    if (lengthRange && file.size > lengthRange.max) {
      throw new S3Error(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", {
        ProposedSize: String(file.size),
        MaxSizeAllowed: String(lengthRange.max),
      });
    }
    if (lengthRange && file.size < lengthRange.min) {
      throw new S3Error(400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size", {
        ProposedSize: String(file.size),
        MinSizeAllowed: String(lengthRange.min),
      });
    }
    const key = (fieldValue(fields, "key") ?? "").replaceAll("${filename}", file.filename);
    if (!fieldValue(fields, "key")) {
      throw new S3Error(400, "InvalidArgument", "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.", {
        ArgumentName: "key",
        ArgumentValue: "",
      });
    }
    record.key = key;
    const object = storeObject(bucket, key, file.digest!.finish(), fieldValue(fields, "content-type") ?? null, metadataFrom(fields.map((f) => [f.name, f.value])));
    const location = `${url}/${bucket.name}/${uriEncode(key).replace(/%2F/g, "/")}`;
    const status = fieldValue(fields, "success_action_status");
    const headers = { etag: object.etag, location };
    if (status === "201") {
      const inner = xmlElements([
        ["Location", location],
        ["Bucket", bucket.name],
        ["Key", key],
        ["ETag", object.etag],
      ]);
      return sendXml(ex, 201, `<?xml version="1.0" encoding="UTF-8"?>\n<PostResponse>${inner}</PostResponse>`, headers);
    }
    send(ex, status === "200" ? 200 : 204, { ...headers, "content-length": "0" });
  }

  // --- server ---------------------------------------------------------------------------------

  const server = http.createServer((incoming, res) => {
    handle(incoming, res).catch(() => res.destroy());
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  url = `http://127.0.0.1:${port}`;

  return {
    url,
    port,
    requests,
    addKey(accessKeyId, secretAccessKey, keyOptions = {}) {
      keys.set(accessKeyId, { secretAccessKey, buckets: keyOptions.buckets ? new Set(keyOptions.buckets) : undefined });
    },
    createBucket(name, bucketOptions = {}) {
      buckets.set(name, { name, region: bucketOptions.region ?? "us-east-1", corsOrigins: bucketOptions.corsOrigins ?? [], objects: new Map(), uploads: new Map() });
    },
    objects(bucket) {
      return [...bucketOrThrow(bucket).objects.values()].sort((a, b) => compareKeys(a.key, b.key));
    },
    getObject(bucket, key) {
      return bucketOrThrow(bucket).objects.get(key);
    },
    putObject(bucket, key, body, contentType) {
      const digest = new BodyDigest([], keepBodies);
      digest.update(typeof body === "string" ? Buffer.from(body, "utf8") : body);
      storeObject(bucketOrThrow(bucket), key, digest.finish(), contentType ?? null, {});
    },
    pendingUploads(bucket) {
      return [...bucketOrThrow(bucket).uploads.values()].map((u) => ({ key: u.key, uploadId: u.uploadId, parts: u.parts.size }));
    },
    failNext(error, count = 1) {
      for (let i = 0; i < count; i++) failures.push(error);
    },
    setDelay(ms) {
      delayMs = ms;
    },
    reset() {
      requests.length = 0;
      failures = [];
      delayMs = 0;
    },
    clearObjects() {
      for (const bucket of buckets.values()) {
        bucket.objects.clear();
        bucket.uploads.clear();
      }
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

// The bucket and keys the app's tests, the browser test and the demo use (startStandardFakeS3).
export const S3_BUCKET = "plugboard-files";
/** Not the SDK's default us-east-1, so a connection that forgets the region is refused as S3 refuses it. */
export const S3_REGION = "eu-central-1";
export const S3_KEYS = {
  accessKeyId: "AKIAPLUGBOARDTEST001",
  secretAccessKey: "PlugboardFakeS3Secret/000000000000000000001",
  /** A key that may use another bucket only: AccessDenied on S3_BUCKET. */
  otherBucketOnly: { accessKeyId: "AKIAPLUGBOARDOTHER01", secretAccessKey: "PlugboardFakeS3Secret/000000000000000000002" },
};

/**
 * The fake S3 with S3_BUCKET in S3_REGION and the S3_KEYS. `corsOrigins`: the sites whose pages may
 * upload to the bucket from the browser (a bucket's CORS rules).
 */
export async function startStandardFakeS3(options: FakeS3Options & { corsOrigins?: string[] } = {}): Promise<FakeS3> {
  const fake = await startFakeS3(options);
  fake.createBucket(S3_BUCKET, { region: S3_REGION, corsOrigins: options.corsOrigins ?? [] });
  fake.createBucket("plugboard-other", { region: S3_REGION });
  fake.addKey(S3_KEYS.accessKeyId, S3_KEYS.secretAccessKey);
  fake.addKey(S3_KEYS.otherBucketOnly.accessKeyId, S3_KEYS.otherBucketOnly.secretAccessKey, { buckets: ["plugboard-other"] });
  return fake;
}
