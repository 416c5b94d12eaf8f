// File storage end to end below the session: the S3 connection test, uploads streamed through the
// route, browser uploads through a signed form, signed links, deletion, listing, exports and the
// maintenance job — the real AWS SDK against the fake S3 (tests/fakes/s3.ts), which checks
// signatures, policies and the multipart rules as S3 does.
import { createHash } from "node:crypto";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import { connectApiKey } from "@/lib/connections/api-key";
import { auth } from "@/tests/helpers/fake-session";
import { S3_BUCKET, S3_KEYS, S3_REGION } from "@/tests/fakes/s3";
import { rejection, signedIn, useHarness } from "../integrations/setup";

vi.mock("@/lib/auth/session", () => import("@/tests/helpers/fake-session"));

const filesRoute = await import("@/app/api/storage/files/route");
const fileRoute = await import("@/app/api/storage/files/[id]/route");
const urlRoute = await import("@/app/api/storage/files/[id]/url/route");
const deleteRoute = await import("@/app/api/storage/files/delete/route");
const uploadsRoute = await import("@/app/api/storage/uploads/route");
const completeRoute = await import("@/app/api/storage/uploads/[id]/complete/route");
const exportRoute = await import("@/app/api/exports/[kind]/route");
const { storeAttachment } = await import("@/lib/storage/upload");
const { maintainStorage } = await import("@/lib/storage/maintenance");

const h = useHarness();
let user: SessionUser;
beforeEach(async () => {
  user = await signedIn(h.t.db);
  auth.user = user;
});

const PNG = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000", "hex");
const png = (size: number) => Buffer.concat([PNG, Buffer.alloc(Math.max(0, size - PNG.length), 7)]);
const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const noParams = { params: Promise.resolve({}) };
const idParams = (id: string) => ({ params: Promise.resolve({ id }) });

function s3Fields(overrides: Record<string, string> = {}) {
  return {
    endpoint: h.fakes.s3.url,
    region: S3_REGION,
    bucket: S3_BUCKET,
    accessKeyId: S3_KEYS.accessKeyId,
    secretAccessKey: S3_KEYS.secretAccessKey,
    pathStyle: "path",
    prefix: "acme/",
    ...overrides,
  };
}

async function connectStorage(overrides: Record<string, string> = {}) {
  return connectApiKey(user, "s3", s3Fields(overrides));
}

function form(files: { name: string; type: string; body: Buffer }[], fields: Record<string, string> = {}): FormData {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.append(k, v);
  for (const f of files) data.append("file", new Blob([new Uint8Array(f.body)], { type: f.type }), f.name);
  return data;
}

async function upload(data: FormData, query = "") {
  const response = await filesRoute.POST(new Request(`http://localhost/api/storage/files${query}`, { method: "POST", body: data }), noParams);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const objects = () => h.fakes.s3.objects(S3_BUCKET);

describe("connecting S3 storage", () => {
  it("connects after HeadBucket and a probe object written, read back and deleted under the prefix", async () => {
    const view = await connectStorage();
    expect(view).toMatchObject({ status: "active", accountLabel: expect.stringContaining(S3_BUCKET) });
    const ops = h.fakes.s3.requests.map((r) => `${r.operation} ${r.status}`);
    expect(ops).toEqual(["HeadBucket 200", "PutObject 200", "GetObject 200", "DeleteObject 204"]);
    expect(h.fakes.s3.requests[1]!.key).toMatch(/^acme\/\.plugboard-probe\//);
    expect(objects()).toEqual([]);
    expect(JSON.stringify(view)).not.toContain(S3_KEYS.secretAccessKey);
  });

  it("says what is wrong: wrong secret, unknown key id, missing bucket, wrong region, no access, unreachable endpoint, refused address", async () => {
    const cases: [Record<string, string>, number, RegExp][] = [
      [{ secretAccessKey: "wrong-secret-0000000000000000000000000" }, 422, /secret access key does not belong to this access key ID/],
      [{ accessKeyId: "AKIAUNKNOWN000000000" }, 422, /does not know this access key ID/],
      [{ bucket: "no-such-bucket" }, 422, /no bucket named no-such-bucket/],
      [{ region: "us-east-1" }, 422, new RegExp(`in region ${S3_REGION}, not us-east-1`)],
      [{ accessKeyId: S3_KEYS.otherBucketOnly.accessKeyId, secretAccessKey: S3_KEYS.otherBucketOnly.secretAccessKey }, 422, /may not use the bucket/],
      [{ endpoint: "http://127.0.0.1:1" }, 502, /cannot be reached/],
      [{ endpoint: "https://169.254.169.254" }, 400, /Endpoint: .*cloud metadata/],
      [{ endpoint: "http://s3.example.com" }, 400, /Endpoint: Use https/],
    ];
    for (const [fields, status, message] of cases) {
      const error = await rejection(connectStorage(fields));
      expect({ status: error.status, message: error.message }, JSON.stringify(fields)).toMatchObject({ status, message: expect.stringMatching(message) });
      expect(error.message).not.toContain(S3_KEYS.secretAccessKey);
    }
    expect(await h.t.db.connection.count({ where: { providerId: "s3" } })).toBe(0);
  });

  it("reaches a bucket virtual-hosted style (bucket.localhost) when path-style is off", async () => {
    await connectStorage({ endpoint: h.fakes.s3.url.replace("127.0.0.1", "localhost"), pathStyle: "virtual" });
    expect(h.fakes.s3.requests.map((r) => r.style)).toEqual(["virtual", "virtual", "virtual", "virtual"]);
    expect(h.fakes.s3.requests[0]!.host).toMatch(new RegExp(`^${S3_BUCKET}\\.localhost:`));
  });
});

describe("POST /api/storage/files (streamed through the app)", () => {
  it("stores each file with its size, type and SHA-256, under <prefix><purpose>/<yyyy>/<mm>/<uuid>/<name>", async () => {
    await connectStorage();
    const image = png(3000);
    const csv = Buffer.from("name,email\r\nAda,ada@example.com\r\n");
    const { status, body } = await upload(
      form(
        [
          { name: "logo.png", type: "image/png", body: image },
          { name: "list.csv", type: "text/csv", body: csv },
        ],
        { purpose: "forms" },
      ),
    );
    expect(status).toBe(201);
    const files = body.files as { name: string; size: number; sha256: string; key: string; purpose: string; contentType: string }[];
    expect(files.map((f) => [f.name, f.size, f.sha256, f.purpose, f.contentType])).toEqual([
      ["logo.png", 3000, sha256(image), "forms", "image/png"],
      ["list.csv", csv.length, sha256(csv), "forms", "text/csv"],
    ]);
    expect(files[0]!.key).toMatch(/^acme\/forms\/\d{4}\/\d{2}\/[0-9a-f-]{36}\/logo\.png$/);
    const stored = h.fakes.s3.getObject(S3_BUCKET, files[0]!.key)!;
    expect(stored.sha256).toBe(sha256(image));
    expect(stored.contentType).toBe("image/png");
  });

  it("sends a 50 MB file as a multipart upload of 8 MB parts, streamed, and records its checksum", async () => {
    await connectStorage();
    const big = png(50 * 1024 * 1024);
    const { status, body } = await upload(form([{ name: "video-still.png", type: "image/png", body: big }]));
    expect(status).toBe(201);
    const [file] = body.files as { key: string; sha256: string; size: number }[];
    expect(file).toMatchObject({ size: big.length, sha256: sha256(big) });
    const parts = h.fakes.s3.requests.filter((r) => r.operation === "UploadPart");
    expect(parts).toHaveLength(7);
    expect(h.fakes.s3.getObject(S3_BUCKET, file!.key)).toMatchObject({ size: big.length, sha256: sha256(big), etag: expect.stringMatching(/-7"?$/) });
  });

  it("refuses a file whose bytes are not what it says (415), one over the size limit (413) and a type not allowed, storing nothing", async () => {
    await connectStorage({ maxUploadMb: "10", allowedTypes: "image/*, text/csv" });
    const fake = await upload(form([{ name: "photo.png", type: "image/png", body: Buffer.from("<html><script>alert(1)</script></html>") }]));
    expect(fake).toMatchObject({ status: 415, body: { error: expect.stringMatching(/photo\.png: the file says it is image\/png, but its contents/) } });
    const pdf = await upload(form([{ name: "doc.pdf", type: "application/pdf", body: Buffer.from("%PDF-1.7\n") }]));
    expect(pdf).toMatchObject({ status: 415, body: { error: expect.stringMatching(/application\/pdf are not accepted here/) } });
    const huge = await upload(form([{ name: "huge.png", type: "image/png", body: png(11 * 1024 * 1024) }]));
    expect(huge).toMatchObject({ status: 413, body: { error: expect.stringMatching(/huge\.png is larger than this storage's limit of 10 MB/) } });
    expect(objects()).toEqual([]);
    expect(h.fakes.s3.pendingUploads(S3_BUCKET)).toEqual([]);
    expect(await h.t.db.storedFile.count()).toBe(0);
  });

  it("answers 409 without storage (the list says so), and 400/415 for a body that is not a form with a file", async () => {
    expect((await upload(form([{ name: "a.png", type: "image/png", body: png(100) }]))).status).toBe(409);
    const list = async () =>
      (await (await filesRoute.GET(new Request("http://localhost/api/storage/files"), noParams)).json()) as { storage: { connected: boolean; message: string | null } };
    expect((await list()).storage).toEqual({ connected: false, message: expect.stringMatching(/not connected in this workspace/) });
    await connectStorage();
    expect((await list()).storage).toEqual({ connected: true, message: null });
    const notForm = await filesRoute.POST(
      new Request("http://localhost/api/storage/files", { method: "POST", body: "{}", headers: { "content-type": "application/json" } }),
      noParams,
    );
    expect(notForm.status).toBe(415);
    const empty = await upload(form([], { purpose: "files" }));
    expect(empty).toMatchObject({ status: 400, body: { error: expect.stringMatching(/no file/) } });
    const badPurpose = await upload(form([{ name: "a.png", type: "image/png", body: png(100) }], { purpose: "secrets" }));
    expect(badPurpose.status).toBe(400);
  });
});

describe("browser uploads straight to the bucket", () => {
  async function start(body: Record<string, unknown>) {
    const response = await uploadsRoute.POST(
      new Request("http://localhost/api/storage/uploads", { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
      noParams,
    );
    return {
      status: response.status,
      body: (await response.json()) as { file: { id: string; key: string }; upload: { url: string; fields: Record<string, string> }; error?: string },
    };
  }
  async function post(upload: { url: string; fields: Record<string, string> }, bytes: Buffer, type: string) {
    const data = new FormData();
    for (const [k, v] of Object.entries(upload.fields)) data.append(k, v);
    data.append("file", new Blob([new Uint8Array(bytes)], { type }), "upload.bin");
    return fetch(upload.url, { method: "POST", body: data });
  }
  const complete = async (id: string) => {
    const response = await completeRoute.POST(new Request(`http://localhost/api/storage/uploads/${id}/complete`, { method: "POST" }), idParams(id));
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it("signs a form for the exact key and size; the file counts once the app has checked the object", async () => {
    await connectStorage();
    const bytes = png(20_000);
    const started = await start({ name: "banner.png", size: bytes.length, contentType: "image/png", purpose: "social" });
    expect(started.status).toBe(201);
    expect((await complete(started.body.file.id)).status).toBe(409); // nothing posted yet
    // The form is for this size only: one byte more is refused by the bucket.
    expect((await post(started.body.upload, png(20_001), "image/png")).status).toBe(400);
    expect((await post(started.body.upload, bytes, "image/png")).status).toBe(201);
    const done = await complete(started.body.file.id);
    expect(done).toMatchObject({ status: 200, body: { file: { status: "stored", size: 20_000, purpose: "social", sha256: null } } });
    // The maintenance job reads it back for its checksum.
    const report = await maintainStorage(h.t.db);
    expect(report).toMatchObject({ checksummed: 1, problems: [] });
    expect((await h.t.db.storedFile.findUniqueOrThrow({ where: { id: started.body.file.id } })).sha256).toBe(sha256(bytes));
  });

  it("deletes an object whose bytes are not the declared type, and refuses sizes and types the rules do not allow", async () => {
    await connectStorage({ maxUploadMb: "1" });
    const text = Buffer.from("not an image at all ".repeat(100));
    const started = await start({ name: "x.png", size: text.length, contentType: "image/png" });
    expect((await post(started.body.upload, text, "image/png")).status).toBe(201);
    expect(await complete(started.body.file.id)).toMatchObject({ status: 415, body: { error: expect.stringMatching(/deleted/) } });
    expect(objects()).toEqual([]);
    expect(await h.t.db.storedFile.count()).toBe(0);
    expect((await start({ name: "big.png", size: 2 * 1024 * 1024, contentType: "image/png" })).status).toBe(413);
    expect((await start({ name: "page.html", size: 100, contentType: "text/html" })).status).toBe(415);
    expect((await start({ name: "x", size: -1, contentType: "image/png" })).status).toBe(400);
  });

  it("settles forms nobody confirmed: recorded when the object arrived, forgotten when it did not", async () => {
    await connectStorage();
    const arrived = await start({ name: "a.png", size: 5000, contentType: "image/png" });
    await post(arrived.body.upload, png(5000), "image/png");
    const abandoned = await start({ name: "b.png", size: 5000, contentType: "image/png" });
    const later = new Date(Date.now() + 16 * 60 * 1000);
    const report = await maintainStorage(h.t.db, later);
    expect(report).toMatchObject({ pendingChecked: 2, confirmed: 1, abandoned: 1, problems: [] });
    expect(await h.t.db.storedFile.findUnique({ where: { id: abandoned.body.file.id } })).toBeNull();
    expect(await h.t.db.storedFile.findUniqueOrThrow({ where: { id: arrived.body.file.id } })).toMatchObject({ status: "stored" });
  });
});

describe("links, listing and deleting", () => {
  async function stored(n: number, purpose = "files") {
    const out: { id: string; name: string; key: string }[] = [];
    for (let i = 0; i < n; i++) {
      const { body } = await upload(form([{ name: `report-${i}.csv`, type: "text/csv", body: Buffer.from(`n\r\n${i}\r\n`) }], { purpose }));
      out.push(...(body.files as { id: string; name: string; key: string }[]));
    }
    return out;
  }

  it("signs download links from 1 minute to 7 days that the bucket honours", async () => {
    await connectStorage();
    const [file] = await stored(1);
    const link = async (expires?: string) => {
      const response = await urlRoute.GET(new Request(`http://localhost/api/storage/files/${file!.id}/url${expires ? `?expires=${expires}` : ""}`), idParams(file!.id));
      return { status: response.status, body: (await response.json()) as { url: string; expiresAt: string } };
    };
    const { body } = await link();
    expect(new URL(body.url).searchParams.get("X-Amz-Expires")).toBe("3600");
    const download = await fetch(body.url);
    expect(download.status).toBe(200);
    expect(await download.text()).toBe("n\r\n0\r\n");
    expect(download.headers.get("content-disposition")).toContain('filename="report-0.csv"');
    expect(new URL((await link("604800")).body.url).searchParams.get("X-Amz-Expires")).toBe("604800");
    expect((await link("59")).status).toBe(400);
    expect((await link("604801")).status).toBe(400);
    expect((await link("soon")).status).toBe(400);
  });

  it("lists newest first with search, purpose, prefix and paging, and the usage total", async () => {
    await connectStorage();
    await stored(3, "files");
    await stored(2, "exports");
    const list = async (query: string) =>
      (await (await filesRoute.GET(new Request(`http://localhost/api/storage/files${query}`), noParams)).json()) as {
        files: { name: string }[];
        nextCursor: string | null;
        usage: { files: number };
      };
    const first = await list("?limit=2");
    expect(first.files.map((f) => f.name)).toEqual(["report-1.csv", "report-0.csv"]);
    expect(first.usage.files).toBe(5);
    const second = await list(`?limit=2&cursor=${first.nextCursor}`);
    expect(second.files).toHaveLength(2);
    expect((await list("?purpose=exports")).files).toHaveLength(2);
    expect((await list("?q=REPORT-2")).files.map((f) => f.name)).toEqual(["report-2.csv"]);
    expect((await list("?prefix=acme/exports/")).files).toHaveLength(2);
    expect((await filesRoute.GET(new Request("http://localhost/api/storage/files?limit=0"), noParams)).status).toBe(400);
    expect((await filesRoute.GET(new Request("http://localhost/api/storage/files?cursor=nonexistent0"), noParams)).status).toBe(400);
  });

  it("deletes one or many from the bucket and the records; another workspace's ids are not found", async () => {
    await connectStorage();
    const files = await stored(4);
    const one = await fileRoute.DELETE(new Request(`http://localhost/api/storage/files/${files[0]!.id}`, { method: "DELETE" }), idParams(files[0]!.id));
    expect(one.status).toBe(200);
    const many = await deleteRoute.POST(
      new Request("http://localhost/api/storage/files/delete", {
        method: "POST",
        body: JSON.stringify({ ids: [files[1]!.id, files[2]!.id, "c000000000000unknown"] }),
        headers: { "content-type": "application/json" },
      }),
      noParams,
    );
    expect(await many.json()).toEqual({ deleted: [files[1]!.id, files[2]!.id], failed: [{ id: "c000000000000unknown", message: "No such file in this workspace" }] });
    expect(objects().map((o) => o.key)).toEqual([files[3]!.key]);
    expect(await h.t.db.storedFile.count()).toBe(1);
    const kept = files[3]!;
    expect((await fileRoute.GET(new Request(`http://localhost/api/storage/files/${kept.id}`), idParams(kept.id))).status).toBe(200);
    auth.user = await signedIn(h.t.db, "admin", "Other Co");
    expect((await fileRoute.GET(new Request(`http://localhost/api/storage/files/${kept.id}`), idParams(kept.id))).status).toBe(404);
    const theirs = await deleteRoute.POST(
      new Request("http://localhost/api/storage/files/delete", { method: "POST", body: JSON.stringify({ ids: [kept.id] }), headers: { "content-type": "application/json" } }),
      noParams,
    );
    expect(await theirs.json()).toEqual({ deleted: [], failed: [{ id: kept.id, message: "No such file in this workspace" }] });
    expect(objects()).toHaveLength(1);
  });
});

describe("exports and features without storage", () => {
  it("answers the CSV itself when no storage is connected, saying it was not stored", async () => {
    await h.t.db.lead.create({ data: { workspaceId: user.workspaceId, name: '=HYPERLINK("http://evil")', email: "a@example.com", company: 'Quote "Co", Ltd' } });
    const response = await exportRoute.POST(new Request("http://localhost/api/exports/leads", { method: "POST" }), { params: Promise.resolve({ kind: "leads" }) });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/text\/csv/);
    expect(response.headers.get("x-plugboard-not-stored")).toMatch(/not stored/);
    const csv = await response.text();
    expect(csv.split("\r\n")[1]).toContain(`"'=HYPERLINK(""http://evil"")",a@example.com,,"Quote ""Co"", Ltd"`);
  });

  it("stores the export under exports/ and answers a signed link when storage is connected", async () => {
    await connectStorage();
    const response = await exportRoute.POST(new Request("http://localhost/api/exports/activity?outcome=success", { method: "POST" }), {
      params: Promise.resolve({ kind: "activity" }),
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { file: { key: string; purpose: string }; url: string };
    expect(body.file).toMatchObject({ purpose: "exports", key: expect.stringMatching(/^acme\/exports\/.*activity-\d{4}-\d{2}-\d{2}\.csv$/) });
    const csv = await (await fetch(body.url)).text();
    // The connection test's own calls are in the activity log.
    expect(csv.split("\r\n")[0]).toBe("time,provider,operation,outcome,error category,status code,duration ms,attempts,actor,message");
    expect(csv).toContain("connection.test");
    const bad = await exportRoute.POST(new Request("http://localhost/api/exports/secrets", { method: "POST" }), { params: Promise.resolve({ kind: "secrets" }) });
    expect(bad.status).toBe(400);
  });

  it("lets a feature go on without storage: the attachment is reported as not stored", async () => {
    const outcome = await storeAttachment(user.workspaceId, "system", { name: "cv.pdf", contentType: "application/pdf", purpose: "forms", body: Buffer.from("%PDF-1.4\n") });
    expect(outcome).toMatchObject({ stored: false, reason: expect.stringMatching(/not stored: .*not connected/) });
  });
});
