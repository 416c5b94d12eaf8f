// Running a CSV export from the browser. The server answers in one of two ways: JSON with a signed
// link when the workspace has storage (the CSV was saved there), or the CSV itself when it has not
// (with X-Plugboard-Not-Stored saying why): the page then saves the bytes as a download.
import { ApiRequestError, redirectToLogin } from "@/components/api/client";
import { apiErrorMessage } from "@/components/files/upload";
import type { StoredExportResponse } from "@/components/files/types";

export type ExportKind = "activity" | "leads";

export type ExportResult = { stored: true; url: string; fileName: string } | { stored: false; blob: Blob; fileName: string; reason: string };

/** The file name a Content-Disposition names: the exact UTF-8 one (filename*) first, then the ASCII fallback. */
export function dispositionFileName(header: string | null): string | null {
  if (!header) return null;
  const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header);
  if (extended) {
    try {
      return decodeURIComponent(extended[1]!.trim());
    } catch {
      // Not valid percent-encoding: fall through to the plain name.
    }
  }
  const plain = /filename\s*=\s*"((?:[^"\\]|\\.)*)"/i.exec(header) ?? /filename\s*=\s*([^;]+)/i.exec(header);
  return plain ? plain[1]!.replace(/\\(.)/g, "$1").trim() || null : null;
}

export async function runExport(kind: ExportKind, filters: Record<string, string> = {}, signal?: AbortSignal): Promise<ExportResult> {
  const query = new URLSearchParams(Object.entries(filters).filter(([, value]) => value !== "")).toString();
  let response: Response;
  try {
    response = await fetch(`/api/exports/${kind}${query ? `?${query}` : ""}`, {
      method: "POST",
      credentials: "same-origin",
      cache: "no-store",
      headers: { accept: "application/json, text/csv" },
      signal,
    });
  } catch {
    throw new ApiRequestError(0, "Could not reach the Plugboard server. Check your connection and try again.");
  }
  if (!response.ok) {
    if (response.status === 401) redirectToLogin();
    throw new ApiRequestError(response.status, apiErrorMessage(response.status, response.statusText, await response.text()));
  }
  const type = response.headers.get("content-type") ?? "";
  if (type.includes("application/json")) {
    const answer = (await response.json()) as StoredExportResponse;
    return { stored: true, url: answer.url, fileName: answer.file.name };
  }
  const fallbackName = `${kind}-${new Date().toISOString().slice(0, 10)}.csv`;
  return {
    stored: false,
    blob: await response.blob(),
    fileName: dispositionFileName(response.headers.get("content-disposition")) ?? fallbackName,
    reason: response.headers.get("x-plugboard-not-stored") || "The export was not stored: no storage is connected.",
  };
}

/** Hands a blob to the browser as a download under `fileName`. */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  link.rel = "noopener";
  link.style.display = "none";
  document.body.append(link);
  link.click();
  link.remove();
  // Not revoked at once: browsers start reading the URL only after click() returns (Firefox a while later).
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}
