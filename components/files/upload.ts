// Sending one file to storage from the browser. XMLHttpRequest rather than fetch: only XHR reports
// upload progress. Small files stream through the app; larger ones go straight to the bucket with a
// form the app signs, so the app never carries their bytes, and are then confirmed by the app.
import { apiFetch, ApiRequestError, redirectToLogin } from "@/components/api/client";
import type { DirectUploadResponse, FilePurpose, FileResponse, FileView, StoredFilesResponse } from "@/components/files/types";

/** Files above this size go straight to the bucket; up to it, through the app. */
export const DIRECT_UPLOAD_FROM_BYTES = 8 * 1024 * 1024;

export type UploadRoute = "app" | "direct";

export function uploadRouteFor(size: number): UploadRoute {
  return size > DIRECT_UPLOAD_FROM_BYTES ? "direct" : "app";
}

/** The phases a row shows: bytes moving (with progress), then the server checking what arrived. */
export type UploadPhase = { phase: "uploading"; sentBytes: number; totalBytes: number } | { phase: "checking" };

export interface UploadOptions {
  purpose: FilePurpose;
  onPhase: (phase: UploadPhase) => void;
  signal?: AbortSignal;
}

export class UploadAbortedError extends Error {
  constructor() {
    super("Upload cancelled");
    this.name = "UploadAbortedError";
  }
}

export function bucketCorsMessage(origin: string): string {
  return `The bucket refused the browser upload (no CORS rule for this site?): add a CORS rule allowing POST from ${origin}, or upload files under 8 MB`;
}

/** The bucket's form: every signed field first, the file last (S3 ignores fields after the file). */
export function bucketForm(fields: Record<string, string>, file: Blob, fileName?: string): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  if (fileName === undefined) form.append("file", file);
  else form.append("file", file, fileName);
  return form;
}

/** The `<Message>` of an S3 XML error answer, if there is one. */
export function bucketErrorMessage(xml: string): string | null {
  const match = /<Message>([\s\S]*?)<\/Message>/.exec(xml);
  if (!match) return null;
  const text = match[1]!
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&")
    .trim();
  return text || null;
}

/** The `error` of a Plugboard JSON answer, else a sentence with the status. */
export function apiErrorMessage(status: number, statusText: string, body: string): string {
  try {
    const data = JSON.parse(body) as { error?: unknown };
    if (data && typeof data.error === "string" && data.error) return data.error;
  } catch {
    // Not JSON: a proxy's page, say. The status says enough.
  }
  return `The server answered ${status} ${statusText}`.trim();
}

interface XhrAnswer {
  status: number;
  statusText: string;
  body: string;
}

/** Posts a form with XHR; resolves with any answer (status 0 for a network or CORS failure). */
function postForm(
  url: string,
  form: FormData,
  { withCredentials, signal, onProgress, onSent }: { withCredentials: boolean; signal?: AbortSignal; onProgress: (sent: number, total: number) => void; onSent: () => void },
): Promise<XhrAnswer> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new UploadAbortedError());
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.withCredentials = withCredentials;
    xhr.responseType = "text";
    if (withCredentials) xhr.setRequestHeader("accept", "application/json");
    // An upload listener also makes the browser ask the bucket first (a CORS preflight): without a
    // CORS rule nothing is sent at all, rather than bytes stored that the page can never confirm.
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded, event.total);
    };
    // Every byte has left the browser; the answer comes once the server has checked and stored them.
    xhr.upload.onload = () => onSent();
    const onAbort = () => xhr.abort();
    signal?.addEventListener("abort", onAbort, { once: true });
    xhr.onload = () => {
      signal?.removeEventListener("abort", onAbort);
      resolve({ status: xhr.status, statusText: xhr.statusText, body: typeof xhr.response === "string" ? xhr.response : "" });
    };
    xhr.onerror = () => {
      signal?.removeEventListener("abort", onAbort);
      resolve({ status: 0, statusText: "", body: "" });
    };
    xhr.onabort = () => {
      signal?.removeEventListener("abort", onAbort);
      reject(new UploadAbortedError());
    };
    xhr.send(form);
  });
}

/** apiFetch, with a cancelled upload reported as such rather than as an unreachable server. */
async function postJson<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
  try {
    return await apiFetch<T>(path, { method: "POST", body, signal });
  } catch (error) {
    if (signal?.aborted) throw new UploadAbortedError();
    throw error;
  }
}

/** Up to DIRECT_UPLOAD_FROM_BYTES: one multipart POST to the app, which streams the file into the bucket. */
export async function uploadThroughApp(file: File, { purpose, onPhase, signal }: UploadOptions): Promise<FileView> {
  const form = new FormData();
  form.append("file", file, file.name);
  onPhase({ phase: "uploading", sentBytes: 0, totalBytes: file.size });
  const answer = await postForm(`/api/storage/files?purpose=${encodeURIComponent(purpose)}`, form, {
    withCredentials: true,
    signal,
    onProgress: (sent, total) => onPhase({ phase: "uploading", sentBytes: Math.min(sent, total), totalBytes: total }),
    onSent: () => onPhase({ phase: "checking" }),
  });
  if (answer.status === 0) throw new ApiRequestError(0, "Could not reach the Plugboard server. Check your connection and try again.");
  if (answer.status < 200 || answer.status >= 300) {
    if (answer.status === 401) redirectToLogin();
    throw new ApiRequestError(answer.status, apiErrorMessage(answer.status, answer.statusText, answer.body));
  }
  const stored = (JSON.parse(answer.body) as StoredFilesResponse).files[0];
  if (!stored) throw new ApiRequestError(answer.status, "The server stored no file");
  return stored;
}

/** Declared types the server accepts (type/subtype); anything else is sent as bytes of no known type. */
function declaredType(file: File): string {
  const type = file.type.split(";")[0]!.trim();
  return /^[\w!#$&^.+-]+\/[\w!#$&^.+-]+$/.test(type) ? type : "application/octet-stream";
}

/** Above DIRECT_UPLOAD_FROM_BYTES: a signed form from the app, the bytes to the bucket, then the app confirms. */
export async function uploadDirect(file: File, { purpose, onPhase, signal }: UploadOptions, origin = window.location.origin): Promise<FileView> {
  onPhase({ phase: "uploading", sentBytes: 0, totalBytes: file.size });
  const started = await postJson<DirectUploadResponse>("/api/storage/uploads", { name: file.name, size: file.size, contentType: declaredType(file), purpose }, signal);
  // No credentials: the bucket is another origin, and the signed form is the only authority it needs.
  const answer = await postForm(started.upload.url, bucketForm(started.upload.fields, file, file.name), {
    withCredentials: false,
    signal,
    onProgress: (sent, total) => onPhase({ phase: "uploading", sentBytes: Math.min(sent, total), totalBytes: total }),
    onSent: () => undefined,
  });
  // Status 0 is what a browser reports when the bucket's answer lacks CORS headers (or the network
  // failed); going through the app instead would carry a large file through the app, so it stops here.
  if (answer.status === 0) throw new ApiRequestError(0, bucketCorsMessage(origin));
  if (answer.status < 200 || answer.status >= 300) {
    const reason = bucketErrorMessage(answer.body);
    throw new ApiRequestError(answer.status, `The bucket refused the upload (${answer.status}${reason ? `: ${reason}` : ""})`);
  }
  onPhase({ phase: "checking" });
  const confirmed = await postJson<FileResponse>(`/api/storage/uploads/${encodeURIComponent(started.file.id)}/complete`, {}, signal);
  return confirmed.file;
}

export function uploadFile(file: File, options: UploadOptions): Promise<FileView> {
  return uploadRouteFor(file.size) === "direct" ? uploadDirect(file, options) : uploadThroughApp(file, options);
}
