// The browser side of uploads, run against a scripted XMLHttpRequest and fetch: which route a file
// takes, what the bucket receives and in which order, and what a row says when the bucket refuses.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { formatBytes, formatUsage } from "@/components/files/bytes";
import type { DirectUploadResponse, FileView } from "@/components/files/types";
import {
  bucketCorsMessage,
  bucketErrorMessage,
  bucketForm,
  DIRECT_UPLOAD_FROM_BYTES,
  uploadDirect,
  uploadRouteFor,
  uploadThroughApp,
  type UploadPhase,
} from "@/components/files/upload";

interface Sent {
  method: string;
  url: string;
  withCredentials: boolean;
  headers: Record<string, string>;
  body: FormData;
}

type Answer = { status: number; body?: string; progress?: number[] } | "network-error";

/** Each XHR sent answers with the next scripted answer; what was sent is kept for the test to read. */
class ScriptedXhr {
  static answers: Answer[] = [];
  static sent: Sent[] = [];
  upload: { onprogress: ((e: { lengthComputable: boolean; loaded: number; total: number }) => void) | null; onload: (() => void) | null } = { onprogress: null, onload: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  withCredentials = false;
  responseType = "";
  status = 0;
  statusText = "";
  response: unknown = null;
  private method = "";
  private url = "";
  private headers: Record<string, string> = {};
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  abort() {
    queueMicrotask(() => this.onabort?.());
  }
  send(body: FormData) {
    ScriptedXhr.sent.push({ method: this.method, url: this.url, withCredentials: this.withCredentials, headers: this.headers, body });
    const answer = ScriptedXhr.answers.shift();
    if (!answer) throw new Error(`No scripted answer for ${this.url}`);
    queueMicrotask(() => {
      if (answer === "network-error") return this.onerror?.();
      for (const loaded of answer.progress ?? []) this.upload.onprogress?.({ lengthComputable: true, loaded, total: answer.progress!.at(-1)! });
      this.upload.onload?.();
      this.status = answer.status;
      this.statusText = answer.status >= 400 ? "Error" : "OK";
      this.response = answer.body ?? "";
      this.onload?.();
    });
  }
}

const storedFile = (overrides: Partial<FileView> = {}): FileView => ({
  id: "clfile0001",
  name: "report.pdf",
  key: "plugboard/files/2026/12/uuid/report.pdf",
  size: 12,
  contentType: "application/pdf",
  sha256: null,
  purpose: "files",
  status: "stored",
  createdBy: "admin@plugboard.test",
  createdAt: new Date().toISOString(),
  connectionId: "clconn0001",
  storage: "uploads · AWS (eu-west-1)",
  ...overrides,
});

let fetchCalls: { url: string; init: RequestInit }[];
let fetchAnswers: Response[];

beforeEach(() => {
  ScriptedXhr.answers = [];
  ScriptedXhr.sent = [];
  fetchCalls = [];
  fetchAnswers = [];
  vi.stubGlobal("XMLHttpRequest", ScriptedXhr);
  vi.stubGlobal("fetch", async (url: string, init: RequestInit) => {
    fetchCalls.push({ url, init });
    const answer = fetchAnswers.shift();
    if (!answer) throw new Error(`No scripted answer for ${url}`);
    return answer;
  });
});

afterEach(() => {
  vi.unstubAllGlobals();
});

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
const bigFile = () => new File([new Uint8Array(DIRECT_UPLOAD_FROM_BYTES + 1)], "video.mp4", { type: "video/mp4" });

describe("the upload route", () => {
  it("sends files up to 8 MB through the app and larger ones to the bucket", () => {
    expect(uploadRouteFor(0)).toBe("app");
    expect(uploadRouteFor(DIRECT_UPLOAD_FROM_BYTES)).toBe("app");
    expect(uploadRouteFor(DIRECT_UPLOAD_FROM_BYTES + 1)).toBe("direct");
  });
});

describe("the bucket's form", () => {
  it("carries every signed field before the file, and the file last as `file`", () => {
    const form = bucketForm({ key: "a/b.txt", Policy: "cG9saWN5", "X-Amz-Signature": "abc", "Content-Type": "text/plain" }, new Blob(["hi"]), "b.txt");
    const names = [...form.keys()];
    expect(names).toEqual(["key", "Policy", "X-Amz-Signature", "Content-Type", "file"]);
    expect((form.get("file") as File).name).toBe("b.txt");
  });

  it("reads the message of an S3 error answer", () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Invalid according to Policy: Policy Condition failed: [&quot;eq&quot;, &quot;$Content-Type&quot;, &quot;image/png&quot;]</Message></Error>`;
    expect(bucketErrorMessage(xml)).toBe('Invalid according to Policy: Policy Condition failed: ["eq", "$Content-Type", "image/png"]');
    expect(bucketErrorMessage("<html>Bad gateway</html>")).toBeNull();
  });
});

describe("an upload through the app", () => {
  it("posts the file as `file` with the purpose, reports progress then checking, and answers the stored file", async () => {
    const stored = storedFile({ purpose: "forms" });
    ScriptedXhr.answers.push({ status: 201, body: JSON.stringify({ files: [stored] }), progress: [4, 12] });
    const phases: UploadPhase[] = [];
    const file = new File(["hello world!"], "report.pdf", { type: "application/pdf" });
    await expect(uploadThroughApp(file, { purpose: "forms", onPhase: (p) => phases.push(p) })).resolves.toEqual(stored);
    const [sent] = ScriptedXhr.sent;
    expect(sent).toMatchObject({ method: "POST", url: "/api/storage/files?purpose=forms", withCredentials: true });
    expect((sent!.body.get("file") as File).name).toBe("report.pdf");
    // The browser adds Origin to a POST itself; the page must not try to.
    expect(Object.keys(sent!.headers).map((h) => h.toLowerCase())).not.toContain("origin");
    expect(phases).toEqual([
      { phase: "uploading", sentBytes: 0, totalBytes: 12 },
      { phase: "uploading", sentBytes: 4, totalBytes: 12 },
      { phase: "uploading", sentBytes: 12, totalBytes: 12 },
      { phase: "checking" },
    ]);
  });

  it("fails with the server's own message", async () => {
    ScriptedXhr.answers.push({ status: 415, body: JSON.stringify({ error: "notes.exe: files of type application/x-msdownload are not accepted here" }) });
    const file = new File(["MZ"], "notes.exe");
    await expect(uploadThroughApp(file, { purpose: "files", onPhase: () => undefined })).rejects.toMatchObject({
      status: 415,
      message: "notes.exe: files of type application/x-msdownload are not accepted here",
    });
  });
});

describe("an upload straight to the bucket", () => {
  const started: DirectUploadResponse = {
    file: storedFile({ id: "clpending01", status: "pending", name: "video.mp4" }),
    upload: { url: "https://bucket.s3.eu-west-1.amazonaws.com/", fields: { key: "files/video.mp4", Policy: "cG9saWN5", "X-Amz-Signature": "sig" } },
    expiresAt: new Date(Date.now() + 15 * 60_000).toISOString(),
  };

  it("asks for a signed form, posts fields then file to the bucket without credentials, then confirms", async () => {
    const confirmed = storedFile({ id: "clpending01", name: "video.mp4" });
    fetchAnswers.push(json(201, started), json(200, { file: confirmed }));
    ScriptedXhr.answers.push({ status: 201, body: "<PostResponse><Key>files/video.mp4</Key></PostResponse>" });
    const phases: string[] = [];
    const file = bigFile();
    await expect(uploadDirect(file, { purpose: "social", onPhase: (p) => phases.push(p.phase) }, "https://plugboard.example")).resolves.toEqual(confirmed);

    expect(fetchCalls.map((c) => [c.init.method, c.url])).toEqual([
      ["POST", "/api/storage/uploads"],
      ["POST", "/api/storage/uploads/clpending01/complete"],
    ]);
    expect(JSON.parse(fetchCalls[0]!.init.body as string)).toEqual({ name: "video.mp4", size: file.size, contentType: "video/mp4", purpose: "social" });
    const [sent] = ScriptedXhr.sent;
    expect(sent).toMatchObject({ method: "POST", url: started.upload.url, withCredentials: false });
    expect([...sent!.body.keys()]).toEqual(["key", "Policy", "X-Amz-Signature", "file"]);
    expect(phases.at(-1)).toBe("checking");
  });

  it("names the missing CORS rule when the bucket's answer never reaches the page, and does not fall back to the app", async () => {
    fetchAnswers.push(json(201, started));
    ScriptedXhr.answers.push("network-error");
    await expect(uploadDirect(bigFile(), { purpose: "files", onPhase: () => undefined }, "https://plugboard.example")).rejects.toMatchObject({
      message: bucketCorsMessage("https://plugboard.example"),
    });
    expect(bucketCorsMessage("https://plugboard.example")).toBe(
      "The bucket refused the browser upload (no CORS rule for this site?): add a CORS rule allowing POST from https://plugboard.example, or upload files under 8 MB",
    );
    // One request to the bucket, none through the app, no confirmation.
    expect(ScriptedXhr.sent.map((s) => s.url)).toEqual([started.upload.url]);
    expect(fetchCalls.map((c) => c.url)).toEqual(["/api/storage/uploads"]);
  });

  it("passes on the bucket's reason for a refusal", async () => {
    fetchAnswers.push(json(201, started));
    ScriptedXhr.answers.push({ status: 403, body: "<Error><Code>AccessDenied</Code><Message>Policy expired</Message></Error>" });
    await expect(uploadDirect(bigFile(), { purpose: "files", onPhase: () => undefined }, "https://plugboard.example")).rejects.toMatchObject({
      message: "The bucket refused the upload (403: Policy expired)",
    });
    expect(fetchCalls).toHaveLength(1);
  });

  it("stops before the bucket when the app refuses the upload", async () => {
    fetchAnswers.push(json(413, { error: "video.mp4 is larger than this storage's limit of 100 MB" }));
    await expect(uploadDirect(bigFile(), { purpose: "files", onPhase: () => undefined }, "https://plugboard.example")).rejects.toMatchObject({
      status: 413,
      message: "video.mp4 is larger than this storage's limit of 100 MB",
    });
    expect(ScriptedXhr.sent).toHaveLength(0);
  });
});

describe("sizes for people", () => {
  it("counts in 1024s with a decimal only under 10", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(1023)).toBe("1023 B");
    expect(formatBytes(1024)).toBe("1 KB");
    expect(formatBytes(8.5 * 1024 * 1024)).toBe("8.5 MB");
    expect(formatBytes(340 * 1024 * 1024 + 1000)).toBe("340 MB");
    expect(formatBytes(1024 * 1024 - 1)).toBe("1 MB");
    expect(formatBytes(3 * 1024 ** 4)).toBe("3 TB");
  });

  it("writes the usage total as the page header shows it", () => {
    expect(formatUsage({ files: 12, bytes: 340 * 1024 * 1024 })).toBe("12 files · 340 MB");
    expect(formatUsage({ files: 1, bytes: 2048 })).toBe("1 file · 2 KB");
  });
});
