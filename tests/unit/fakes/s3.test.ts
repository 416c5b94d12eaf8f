// The fake S3 server driven by the real AWS SDK v3 (client, lib-storage, presigner, presigned
// POST): what works against a real bucket works here, and each rule a real bucket enforces
// fails here with S3's own error code.
import crypto from "node:crypto";
import http from "node:http";
import { Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  type ServiceInputTypes,
  type ServiceOutputTypes,
  UploadPartCommand,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { FinalizeRequestMiddleware } from "@smithy/types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFakeS3, type FakeS3, type FakeS3Options } from "@/tests/fakes/s3";

const KEY = { id: "AKIAFAKES3TEST000001", secret: "fake-s3-secret-key-000000000000000000001" };
const BUCKET = "plugboard-files";
const MiB = 1024 * 1024;

let fake: FakeS3;
/** Added to the fake's clock (expiry and skew tests). */
let clockOffsetMs = 0;

async function start(options: FakeS3Options = {}): Promise<FakeS3> {
  fake = await startFakeS3({ now: () => new Date(Date.now() + clockOffsetMs), ...options });
  fake.addKey(KEY.id, KEY.secret);
  fake.createBucket(BUCKET, { corsOrigins: ["https://app.example.test"] });
  return fake;
}

beforeEach(async () => {
  clockOffsetMs = 0;
  await start();
});
afterEach(() => fake.close());

function client(config: Partial<S3ClientConfig> = {}): S3Client {
  return new S3Client({
    endpoint: fake.url,
    forcePathStyle: true,
    region: "us-east-1",
    credentials: { accessKeyId: KEY.id, secretAccessKey: KEY.secret },
    requestChecksumCalculation: "WHEN_REQUIRED",
    maxAttempts: 1,
    ...config,
  });
}

/** The S3 error a failed SDK call threw. */
async function s3Error(promise: Promise<unknown>): Promise<S3ServiceException & Record<string, unknown>> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(S3ServiceException);
  return error as S3ServiceException & Record<string, unknown>;
}

const md5Hex = (b: Buffer) => crypto.createHash("md5").update(b).digest("hex");
const sha256Hex = (b: Buffer) => crypto.createHash("sha256").update(b).digest("hex");
const xmlCode = (xml: string) => /<Code>([^<]*)<\/Code>/.exec(xml)?.[1];
const xmlMessage = (xml: string) => /<Message>([^<]*)<\/Message>/.exec(xml)?.[1];

describe("objects through the SDK", () => {
  it("puts, gets (whole and a range), heads and deletes an object, with its type, metadata and MD5 ETag", async () => {
    const s3 = client();
    const body = Buffer.from("hello, plugboard files");
    const put = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "docs/a b+ü.txt", Body: body, ContentType: "text/plain", Metadata: { owner: "ws-1" } }));
    expect(put.ETag).toBe(`"${md5Hex(body)}"`);
    const stored = fake.getObject(BUCKET, "docs/a b+ü.txt")!;
    expect(stored).toMatchObject({ size: body.length, contentType: "text/plain", sha256: sha256Hex(body), metadata: { owner: "ws-1" } });
    expect(stored.body!.equals(body)).toBe(true);

    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "docs/a b+ü.txt" }));
    expect(await got.Body!.transformToString()).toBe(body.toString());
    expect(got).toMatchObject({ ContentType: "text/plain", ETag: put.ETag, Metadata: { owner: "ws-1" }, ContentLength: body.length });

    const range = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "docs/a b+ü.txt", Range: "bytes=7-15" }));
    expect(range.$metadata.httpStatusCode).toBe(206);
    expect(range.ContentRange).toBe(`bytes 7-15/${body.length}`);
    expect(await range.Body!.transformToString()).toBe("plugboard");

    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "docs/a b+ü.txt" }));
    expect(head).toMatchObject({ ContentLength: body.length, ContentType: "text/plain", ETag: put.ETag, Metadata: { owner: "ws-1" } });
    expect(head.LastModified!.getTime()).toBe(stored.lastModified.getTime());

    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: "docs/a b+ü.txt" }));
    expect(fake.getObject(BUCKET, "docs/a b+ü.txt")).toBeUndefined();
    // Deleting what is not there succeeds, as on S3.
    const again = await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: "docs/a b+ü.txt" }));
    expect(again.$metadata.httpStatusCode).toBe(204);

    expect(fake.requests.map((r) => [r.operation, r.style, r.authKind, r.status])).toEqual([
      ["PutObject", "path", "header", 200],
      ["GetObject", "path", "header", 200],
      ["GetObject", "path", "header", 206],
      ["HeadObject", "path", "header", 200],
      ["DeleteObject", "path", "header", 204],
      ["DeleteObject", "path", "header", 204],
    ]);
  });

  it("answers NoSuchKey for a missing object (HEAD: a bare 404) and NoSuchBucket for a missing bucket", async () => {
    const s3 = client();
    expect((await s3Error(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "nope" })))).name).toBe("NoSuchKey");
    const head = await s3Error(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "nope" })));
    expect([head.name, head.$metadata.httpStatusCode]).toEqual(["NotFound", 404]);
    expect((await s3Error(s3.send(new PutObjectCommand({ Bucket: "no-such-bucket", Key: "k", Body: "x" })))).name).toBe("NoSuchBucket");
    const headBucket = await s3Error(s3.send(new HeadBucketCommand({ Bucket: "no-such-bucket" })));
    expect([headBucket.name, headBucket.$metadata.httpStatusCode]).toEqual(["NotFound", 404]);
  });

  it("checks Content-MD5 and x-amz-content-sha256 against the body before storing it", async () => {
    const s3 = client();
    const wrongMd5 = crypto.createHash("md5").update("something else").digest("base64");
    const badMd5 = await s3Error(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "md5", Body: "payload", ContentMD5: wrongMd5 })));
    expect([badMd5.name, badMd5.$metadata.httpStatusCode]).toEqual(["BadDigest", 400]);

    // The body changed after signing: the signature still holds, the declared hash does not.
    const tampering = client();
    tampering.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { body?: unknown };
        if (typeof request.body === "string") request.body = request.body.toUpperCase();
        return next(args);
      },
      { step: "deserialize", name: "tamperBody" },
    );
    const mismatch = await s3Error(tampering.send(new PutObjectCommand({ Bucket: BUCKET, Key: "sha", Body: "payload" })));
    expect([mismatch.name, mismatch.$metadata.httpStatusCode]).toEqual(["XAmzContentSHA256Mismatch", 400]);
    expect(fake.objects(BUCKET)).toEqual([]);
  });

  it("stores the aws-chunked body the SDK's default checksum mode streams, checking its CRC32 trailer", async () => {
    const s3 = client({ requestChecksumCalculation: undefined });
    const pieces = [Buffer.alloc(70_000, 1), Buffer.from("middle"), crypto.randomBytes(100_000)];
    const body = Buffer.concat(pieces);
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "streamed.bin", Body: Readable.from(pieces), ContentLength: body.length }));
    const stored = fake.getObject(BUCKET, "streamed.bin")!;
    expect(stored.body!.equals(body)).toBe(true);
    expect(stored.etag).toBe(`"${md5Hex(body)}"`);
    expect(fake.requests.at(-1)).toMatchObject({ operation: "PutObject", status: 200, bytes: body.length });

    // A trailer that does not match what arrived.
    const wrongTrailer = client({ requestChecksumCalculation: undefined });
    wrongTrailer.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { body?: Readable };
        const original = request.body!;
        request.body = Readable.from(
          (async function* () {
            for await (const chunk of original)
              yield Buffer.from(chunk as Buffer)
                .toString("latin1")
                .replace(/x-amz-checksum-crc32:[^\r]+/, "x-amz-checksum-crc32:AAAAAA==");
          })(),
        );
        return next(args);
      },
      { step: "deserialize", name: "tamperTrailer" },
    );
    const badTrailer = await s3Error(wrongTrailer.send(new PutObjectCommand({ Bucket: BUCKET, Key: "bad-trailer", Body: Readable.from([Buffer.from("abc")]), ContentLength: 3 })));
    expect([badTrailer.name, badTrailer.$metadata.httpStatusCode]).toEqual(["BadDigest", 400]);
    expect(fake.getObject(BUCKET, "bad-trailer")).toBeUndefined();
  });

  it("lists with a prefix, a delimiter and pages of max-keys, continuing from the token", async () => {
    for (const key of ["a/1", "a/2", "a/3", "a/sub/x", "a/sub/y", "b/1"]) fake.putObject(BUCKET, key, `body of ${key}`);
    const s3 = client();
    const keys: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "a/", MaxKeys: 2, ContinuationToken: token }));
      pages++;
      expect(page.KeyCount).toBe(page.Contents?.length ?? 0);
      keys.push(...(page.Contents ?? []).map((c) => c.Key!));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    expect(keys).toEqual(["a/1", "a/2", "a/3", "a/sub/x", "a/sub/y"]);
    expect(pages).toBe(3);

    const folders = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "a/", Delimiter: "/" }));
    expect(folders.Contents!.map((c) => [c.Key, c.Size, c.ETag, c.StorageClass])).toEqual(
      ["a/1", "a/2", "a/3"].map((k) => [k, `body of ${k}`.length, `"${md5Hex(Buffer.from(`body of ${k}`))}"`, "STANDARD"]),
    );
    expect(folders.CommonPrefixes).toEqual([{ Prefix: "a/sub/" }]);
    expect(folders.KeyCount).toBe(4);

    const after = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, StartAfter: "a/sub/x" }));
    expect(after.Contents!.map((c) => c.Key)).toEqual(["a/sub/y", "b/1"]);
  });

  it("deletes many objects in one DeleteObjects call (which must carry a checksum of its body)", async () => {
    for (const key of ["x/1", "x/2", "x/3"]) fake.putObject(BUCKET, key, key);
    const s3 = client();
    const result = await s3.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: "x/1" }, { Key: "x/3" }, { Key: "missing" }] } }));
    expect(result.Deleted!.map((d) => d.Key)).toEqual(["x/1", "x/3", "missing"]);
    expect(fake.objects(BUCKET).map((o) => o.key)).toEqual(["x/2"]);

    const withoutChecksum = client();
    const dropChecksum: FinalizeRequestMiddleware<ServiceInputTypes, ServiceOutputTypes> = (next) => async (args) => {
      const headers = (args.request as { headers: Record<string, string> }).headers;
      for (const name of Object.keys(headers)) if (/^(content-md5|x-amz-checksum-|x-amz-sdk-checksum)/i.test(name)) delete headers[name];
      return next(args);
    };
    // After the checksum middleware has added them, before the request is signed.
    withoutChecksum.middlewareStack.addRelativeTo(dropChecksum, { relation: "before", toMiddleware: "httpSigningMiddleware", name: "dropChecksum" });
    const missing = await s3Error(withoutChecksum.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: "x/2" }] } })));
    expect([missing.name, missing.message]).toEqual(["InvalidRequest", "Missing required header for this request: Content-Md5"]);

    const tooMany = await s3Error(s3.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: Array.from({ length: 1001 }, (_, i) => ({ Key: `k${i}` })) } })));
    expect(tooMany.name).toBe("MalformedXML");
    expect(fake.objects(BUCKET).map((o) => o.key)).toEqual(["x/2"]);
  });

  it("keeps no large body with keepBodies: false, only size, ETag and SHA-256 (a small one, such as a connection test's probe, is kept)", async () => {
    await fake.close();
    await start({ keepBodies: false });
    const body = crypto.randomBytes(300_000);
    await client().send(new PutObjectCommand({ Bucket: BUCKET, Key: "big", Body: body }));
    const stored = fake.getObject(BUCKET, "big")!;
    expect(stored).toMatchObject({ size: body.length, etag: `"${md5Hex(body)}"`, sha256: sha256Hex(body) });
    expect(stored.body).toBeUndefined();
    await client().send(new PutObjectCommand({ Bucket: BUCKET, Key: "probe", Body: "probe" }));
    expect(fake.getObject(BUCKET, "probe")!.body?.toString()).toBe("probe");
  });
});

describe("authentication", () => {
  it("refuses a wrong secret (SignatureDoesNotMatch, with S3's diagnostics), an unknown key id and a skewed clock", async () => {
    const wrongSecret = await s3Error(
      client({ credentials: { accessKeyId: KEY.id, secretAccessKey: "not-the-secret" } }).send(new HeadObjectCommand({ Bucket: BUCKET, Key: "k" })),
    );
    expect(wrongSecret.$metadata.httpStatusCode).toBe(403);
    const put = await s3Error(
      client({ credentials: { accessKeyId: KEY.id, secretAccessKey: "not-the-secret" } }).send(new PutObjectCommand({ Bucket: BUCKET, Key: "k", Body: "x" })),
    );
    expect(put.name).toBe("SignatureDoesNotMatch");
    expect(put.StringToSign).toMatch(/^AWS4-HMAC-SHA256\n\d{8}T\d{6}Z\n\d{8}\/us-east-1\/s3\/aws4_request\n[0-9a-f]{64}$/);
    expect(put.CanonicalRequest).toMatch(/^PUT\n\/plugboard-files\/k\nx-id=PutObject\n/);

    const unknown = await s3Error(
      client({ credentials: { accessKeyId: "AKIAUNKNOWN000000000", secretAccessKey: KEY.secret } }).send(new PutObjectCommand({ Bucket: BUCKET, Key: "k", Body: "x" })),
    );
    expect([unknown.name, unknown.$metadata.httpStatusCode]).toEqual(["InvalidAccessKeyId", 403]);

    clockOffsetMs = 20 * 60_000;
    const skewed = await s3Error(client().send(new PutObjectCommand({ Bucket: BUCKET, Key: "k", Body: "x" })));
    expect([skewed.name, skewed.$metadata.httpStatusCode]).toEqual(["RequestTimeTooSkewed", 403]);
    expect(fake.objects(BUCKET)).toEqual([]);
  });

  it("refuses an unsigned request and a key restricted to other buckets (AccessDenied)", async () => {
    fake.createBucket("other-bucket");
    fake.addKey("AKIARESTRICTED000001", "restricted-secret", { buckets: ["other-bucket"] });
    const restricted = client({ credentials: { accessKeyId: "AKIARESTRICTED000001", secretAccessKey: "restricted-secret" } });
    const denied = await s3Error(restricted.send(new PutObjectCommand({ Bucket: BUCKET, Key: "k", Body: "x" })));
    expect([denied.name, denied.$metadata.httpStatusCode]).toEqual(["AccessDenied", 403]);
    await restricted.send(new PutObjectCommand({ Bucket: "other-bucket", Key: "k", Body: "x" }));
    expect(fake.getObject("other-bucket", "k")).toBeDefined();

    const anonymous = await fetch(`${fake.url}/${BUCKET}/k`);
    expect(anonymous.status).toBe(403);
    expect(anonymous.headers.get("content-type")).toBe("application/xml");
    expect(xmlCode(await anonymous.text())).toBe("AccessDenied");
  });

  it("tells a client in the wrong region where the bucket is: 301 on HeadBucket, AuthorizationHeaderMalformed otherwise", async () => {
    fake.createBucket("eu-bucket", { region: "eu-central-1" });
    const s3 = client();
    const head = await s3Error(s3.send(new HeadBucketCommand({ Bucket: "eu-bucket" })));
    expect(head.$metadata.httpStatusCode).toBe(301);
    expect(head.$response?.headers["x-amz-bucket-region"]).toBe("eu-central-1");

    const put = await s3Error(s3.send(new PutObjectCommand({ Bucket: "eu-bucket", Key: "k", Body: "x" })));
    expect([put.name, put.$metadata.httpStatusCode, put.Region]).toEqual(["AuthorizationHeaderMalformed", 400, "eu-central-1"]);
    expect(put.message).toBe("The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'eu-central-1'");

    const right = await client({ region: "eu-central-1" }).send(new HeadBucketCommand({ Bucket: "eu-bucket" }));
    expect(right.BucketRegion).toBe("eu-central-1");
  });

  it("answers an injected failure (503 SlowDown) as S3 would, then carries on", async () => {
    fake.failNext({ status: 503, code: "SlowDown" });
    const s3 = client();
    const slow = await s3Error(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "k", Body: "x" })));
    expect([slow.name, slow.$metadata.httpStatusCode, slow.message]).toEqual(["SlowDown", 503, "Please reduce your request rate."]);
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "k", Body: "x" }));
    expect(fake.requests.map((r) => [r.status, r.errorCode])).toEqual([
      [503, "SlowDown"],
      [200, undefined],
    ]);
  });
});

describe("presigned URLs", () => {
  it("serves a presigned GET, and refuses it tampered with, expired or valid for more than a week", async () => {
    fake.putObject(BUCKET, "shared/report.pdf", "%PDF-1.7 fake", "application/pdf");
    const url = await getSignedUrl(client(), new GetObjectCommand({ Bucket: BUCKET, Key: "shared/report.pdf" }), { expiresIn: 60 });
    const ok = await fetch(url);
    expect([ok.status, await ok.text(), ok.headers.get("content-type")]).toEqual([200, "%PDF-1.7 fake", "application/pdf"]);
    expect(fake.requests.at(-1)).toMatchObject({ operation: "GetObject", authKind: "query", status: 200 });

    const tampered = await fetch(url.replace("shared/report.pdf", "shared/other.pdf"));
    const tamperedXml = await tampered.text();
    expect([tampered.status, xmlCode(tamperedXml)]).toEqual([403, "SignatureDoesNotMatch"]);
    expect(tamperedXml).toContain("<CanonicalRequest>GET\n/plugboard-files/shared/other.pdf\n");

    const tooLong = await fetch(url.replace("X-Amz-Expires=60", "X-Amz-Expires=604801"));
    expect([tooLong.status, xmlCode(await tooLong.text())]).toEqual([400, "AuthorizationQueryParametersError"]);

    clockOffsetMs = 61_000;
    const expired = await fetch(url);
    const expiredXml = await expired.text();
    expect([expired.status, xmlCode(expiredXml), xmlMessage(expiredXml)]).toEqual([403, "AccessDenied", "Request has expired"]);
  });

  it("uploads through a presigned PUT and names the bucket's region when the URL was signed for another", async () => {
    const put = await getSignedUrl(client(), new PutObjectCommand({ Bucket: BUCKET, Key: "via-url.txt", ContentType: "text/plain" }), { expiresIn: 300 });
    const res = await fetch(put, { method: "PUT", body: "uploaded by URL", headers: { "content-type": "text/plain" } });
    expect(res.status).toBe(200);
    expect(fake.getObject(BUCKET, "via-url.txt")!.body!.toString()).toBe("uploaded by URL");

    fake.createBucket("eu-bucket", { region: "eu-west-1" });
    const wrongRegion = await getSignedUrl(client(), new GetObjectCommand({ Bucket: "eu-bucket", Key: "k" }), { expiresIn: 60 });
    const refused = await fetch(wrongRegion);
    const xml = await refused.text();
    expect([refused.status, xmlCode(xml)]).toEqual([400, "AuthorizationQueryParametersError"]);
    expect(xmlMessage(xml)).toContain("expecting 'eu-west-1'");
    expect(xml).toContain("<Region>eu-west-1</Region>");
  });
});

describe("presigned POST (browser uploads)", () => {
  async function presignedPost(extra: { fields?: Record<string, string> } = {}) {
    return createPresignedPost(client(), {
      Bucket: BUCKET,
      Key: "uploads/${filename}",
      Conditions: [["content-length-range", 1, 1000], ["starts-with", "$Content-Type", "image/"], { success_action_status: "201" }],
      Fields: { success_action_status: "201", ...extra.fields },
      Expires: 300,
    });
  }

  function form(fields: Record<string, string>, file: Buffer, filename = "avatar.png"): FormData {
    const data = new FormData();
    for (const [name, value] of Object.entries(fields)) data.append(name, value);
    data.append("file", new Blob([new Uint8Array(file)]), filename);
    return data;
  }

  it("stores a form upload and answers 201 with a PostResponse", async () => {
    const post = await presignedPost();
    const png = crypto.randomBytes(500);
    const res = await fetch(post.url, { method: "POST", body: form({ ...post.fields, "Content-Type": "image/png" }, png), headers: { origin: "https://app.example.test" } });
    const xml = await res.text();
    expect(res.status).toBe(201);
    expect(res.headers.get("access-control-allow-origin")).toBe("https://app.example.test");
    expect(xml).toContain("<Key>uploads/avatar.png</Key>");
    expect(xml).toContain(`<ETag>&quot;${md5Hex(png)}&quot;</ETag>`);
    const stored = fake.getObject(BUCKET, "uploads/avatar.png")!;
    expect(stored.contentType).toBe("image/png");
    expect(stored.body!.equals(png)).toBe(true);
    expect(fake.requests.at(-1)).toMatchObject({ operation: "PostObject", authKind: "post-policy", status: 201, bytes: 500, key: "uploads/avatar.png" });
  });

  it("refuses a file over the policy's content-length-range (EntityTooLarge)", async () => {
    const post = await presignedPost();
    const res = await fetch(post.url, { method: "POST", body: form({ ...post.fields, "Content-Type": "image/png" }, crypto.randomBytes(1001)) });
    expect([res.status, xmlCode(await res.text())]).toEqual([400, "EntityTooLarge"]);
    expect(fake.objects(BUCKET)).toEqual([]);
  });

  it("refuses a form field the policy does not cover, and a key or type the policy does not allow (AccessDenied)", async () => {
    const post = await presignedPost();
    const png = crypto.randomBytes(10);
    const extra = await fetch(post.url, { method: "POST", body: form({ ...post.fields, "Content-Type": "image/png", "x-amz-meta-owner": "someone" }, png) });
    const extraXml = await extra.text();
    expect([extra.status, xmlCode(extraXml), xmlMessage(extraXml)]).toEqual([403, "AccessDenied", "Invalid according to Policy: Extra input fields: x-amz-meta-owner"]);

    const wrongKey = await fetch(post.url, { method: "POST", body: form({ ...post.fields, key: "private/avatar.png", "Content-Type": "image/png" }, png) });
    const wrongKeyXml = await wrongKey.text();
    expect([wrongKey.status, xmlCode(wrongKeyXml)]).toEqual([403, "AccessDenied"]);
    expect(xmlMessage(wrongKeyXml)).toContain("Policy Condition failed");

    const wrongType = await fetch(post.url, { method: "POST", body: form({ ...post.fields, "Content-Type": "text/html" }, png) });
    expect([wrongType.status, xmlCode(await wrongType.text())]).toEqual([403, "AccessDenied"]);

    const forged = await fetch(post.url, { method: "POST", body: form({ ...post.fields, "Content-Type": "image/png", "X-Amz-Signature": "0".repeat(64) }, png) });
    expect([forged.status, xmlCode(await forged.text())]).toEqual([403, "SignatureDoesNotMatch"]);

    clockOffsetMs = 301_000;
    const expired = await fetch(post.url, { method: "POST", body: form({ ...post.fields, "Content-Type": "image/png" }, png) });
    expect(xmlMessage(await expired.text())).toBe("Invalid according to Policy: Policy expired.");
    expect(fake.objects(BUCKET)).toEqual([]);
  });
});

describe("multipart uploads", () => {
  it("uploads ~12 MB through lib-storage in 5 MiB parts; the ETag is the multipart one", async () => {
    const body = crypto.randomBytes(12 * MiB + 12345);
    const upload = new Upload({ client: client(), params: { Bucket: BUCKET, Key: "big/video.mp4", Body: body, ContentType: "video/mp4" }, partSize: 5 * MiB, queueSize: 2 });
    const result = await upload.done();
    const partMd5s = [0, 1, 2].map((i) =>
      crypto
        .createHash("md5")
        .update(body.subarray(i * 5 * MiB, (i + 1) * 5 * MiB))
        .digest(),
    );
    const expectedEtag = `"${crypto.createHash("md5").update(Buffer.concat(partMd5s)).digest("hex")}-3"`;
    expect(result.ETag).toBe(expectedEtag);
    const stored = fake.getObject(BUCKET, "big/video.mp4")!;
    expect(stored).toMatchObject({ size: body.length, etag: expectedEtag, contentType: "video/mp4", sha256: sha256Hex(body) });
    expect(stored.body!.equals(body)).toBe(true);
    expect(fake.pendingUploads(BUCKET)).toEqual([]);
    expect(
      fake.requests
        .filter((r) => r.operation === "UploadPart")
        .map((r) => r.bytes)
        .sort((a, b) => a - b),
    ).toEqual([body.length - 10 * MiB, 5 * MiB, 5 * MiB]);
  });

  it("refuses to complete with a non-last part under 5 MiB, a part out of order or an unknown ETag", async () => {
    const s3 = client();
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: "small-parts" }));
    const etags: string[] = [];
    for (const n of [1, 2]) etags.push((await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: "small-parts", UploadId, PartNumber: n, Body: Buffer.alloc(1024, n) }))).ETag!);
    expect(fake.pendingUploads(BUCKET)).toEqual([{ key: "small-parts", uploadId: UploadId, parts: 2 }]);
    const complete = (parts: { PartNumber: number; ETag: string }[]) =>
      s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: "small-parts", UploadId, MultipartUpload: { Parts: parts } }));

    const tooSmall = await s3Error(complete(etags.map((ETag, i) => ({ PartNumber: i + 1, ETag }))));
    expect([tooSmall.name, tooSmall.$metadata.httpStatusCode]).toEqual(["EntityTooSmall", 400]);
    const order = await s3Error(complete(etags.map((ETag, i) => ({ PartNumber: i + 1, ETag })).reverse()));
    expect(order.name).toBe("InvalidPartOrder");
    const unknownPart = await s3Error(complete([{ PartNumber: 1, ETag: '"0123456789abcdef0123456789abcdef"' }]));
    expect(unknownPart.name).toBe("InvalidPart");

    // A single (last) part may be small.
    const single = await complete([{ PartNumber: 1, ETag: etags[0]! }]);
    expect(single.ETag).toMatch(/^"[0-9a-f]{32}-1"$/);
    expect(fake.getObject(BUCKET, "small-parts")!.size).toBe(1024);
  });

  it("aborts an upload; the upload id is then unknown (NoSuchUpload)", async () => {
    const s3 = client();
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: "aborted" }));
    await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: "aborted", UploadId, PartNumber: 1, Body: "part" }));
    const aborted = await s3.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: "aborted", UploadId }));
    expect(aborted.$metadata.httpStatusCode).toBe(204);
    expect(fake.pendingUploads(BUCKET)).toEqual([]);
    const later = await s3Error(s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: "aborted", UploadId, PartNumber: 2, Body: "part" })));
    expect([later.name, later.$metadata.httpStatusCode]).toEqual(["NoSuchUpload", 404]);
    const invalidPart = await s3Error(s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: "aborted", UploadId, PartNumber: 10_001, Body: "part" })));
    expect(invalidPart.name).toBe("InvalidArgument");
  });
});

describe("CORS", () => {
  it("answers a preflight from an allowed origin and refuses others; answers carry the CORS headers", async () => {
    const preflight = (origin: string, bucket = BUCKET) =>
      fetch(`${fake.url}/${bucket}/uploads/x.png`, {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": "PUT", "access-control-request-headers": "content-type,x-amz-date" },
      });
    const allowed = await preflight("https://app.example.test");
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://app.example.test");
    expect(allowed.headers.get("access-control-allow-methods")).toBe("GET, PUT, POST, HEAD, DELETE");
    expect(allowed.headers.get("access-control-allow-headers")).toBe("content-type,x-amz-date");

    const refused = await preflight("https://evil.example.test");
    const refusedXml = await refused.text();
    expect([refused.status, xmlCode(refusedXml), xmlMessage(refusedXml)]).toEqual([403, "AccessForbidden", "CORSResponse: This CORS request is not allowed."]);
    fake.createBucket("no-cors");
    expect((await preflight("https://app.example.test", "no-cors")).status).toBe(403);
    expect(fake.requests.map((r) => [r.operation, r.status])).toEqual([
      ["Preflight", 200],
      ["Preflight", 403],
      ["Preflight", 403],
    ]);

    fake.putObject(BUCKET, "public.txt", "hi");
    const url = await getSignedUrl(client(), new GetObjectCommand({ Bucket: BUCKET, Key: "public.txt" }), { expiresIn: 60 });
    const get = await fetch(url, { headers: { origin: "https://app.example.test" } });
    expect([get.headers.get("access-control-allow-origin"), get.headers.get("vary"), get.headers.get("access-control-expose-headers")]).toEqual([
      "https://app.example.test",
      "Origin",
      "ETag",
    ]);
    const other = await fetch(url, { headers: { origin: "https://evil.example.test" } });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("virtual-hosted style", () => {
  // bucket.localhost does not resolve through the system resolver here: answer it ourselves.
  const agent = () =>
    new http.Agent({
      lookup: (hostname, options, callback) => {
        if (hostname === "localhost" || hostname.endsWith(".localhost")) {
          if ((options as { all?: boolean }).all) return (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: "127.0.0.1", family: 4 }]);
          return (callback as (e: null, a: string, f: number) => void)(null, "127.0.0.1", 4);
        }
        callback(new Error(`unexpected lookup of ${hostname}`), "", 4);
      },
    });
  const virtualClient = (httpAgent: http.Agent) => client({ endpoint: `http://localhost:${fake.port}`, forcePathStyle: false, requestHandler: new NodeHttpHandler({ httpAgent }) });

  it("reaches the bucket as <bucket>.localhost with the key as the whole path", async () => {
    const httpAgent = agent();
    const s3 = virtualClient(httpAgent);
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "vhost/file.txt", Body: "virtual" }));
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "vhost/file.txt" }));
    expect(await got.Body!.transformToString()).toBe("virtual");
    expect(fake.requests.map((r) => [r.style, r.host, r.bucket, r.key, r.path])).toEqual([
      ["virtual", `${BUCKET}.localhost:${fake.port}`, BUCKET, "vhost/file.txt", "/vhost/file.txt"],
      ["virtual", `${BUCKET}.localhost:${fake.port}`, BUCKET, "vhost/file.txt", "/vhost/file.txt"],
    ]);
    httpAgent.destroy();
  });

  it("takes a presigned POST to / on <bucket>.localhost", async () => {
    const httpAgent = agent();
    const post = await createPresignedPost(virtualClient(httpAgent), { Bucket: BUCKET, Key: "vhost/${filename}", Expires: 60 });
    expect(post.url).toBe(`http://${BUCKET}.localhost:${fake.port}/`);
    const data = new FormData();
    for (const [name, value] of Object.entries(post.fields)) data.append(name, value);
    data.append("file", new Blob(["posted"]), "note.txt");
    // Serialised by fetch's own Request, sent with node:http so the Host header can name the bucket.
    const encoded = new Request(post.url, { method: "POST", body: data });
    const body = Buffer.from(await encoded.arrayBuffer());
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        post.url,
        { method: "POST", agent: httpAgent, headers: { "content-type": encoded.headers.get("content-type")!, "content-length": body.length } },
        (res) => {
          res.resume();
          resolve(res.statusCode!);
        },
      );
      req.on("error", reject);
      req.end(body);
    });
    expect(status).toBe(204);
    expect(fake.getObject(BUCKET, "vhost/note.txt")!.body!.toString()).toBe("posted");
    expect(fake.requests.at(-1)).toMatchObject({ style: "virtual", path: "/", operation: "PostObject", status: 204 });
    httpAgent.destroy();
  });
});
