// Browser-side fetch wrapper for the Plugboard API: JSON in and out, `{ error, fields }` answers
// turned into an ApiRequestError, and a signed-out answer (401) sends the person to /login.
import { signOut } from "next-auth/react";

export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Per-field messages from a 400, keyed by the auth field's name. */
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiRequestError";
  }

  get isForbidden() {
    return this.status === 403;
  }
}

let redirecting = false;

/**
 * Sends the browser to the sign-in page, coming back to where it is now afterwards. Signs out
 * first: the API also answers 401 while the session cookie is still valid (the user was deleted,
 * say), and with that cookie /login would send the browser straight back here, in a loop.
 */
export function redirectToLogin() {
  if (typeof window === "undefined" || redirecting) return;
  redirecting = true;
  const here = window.location.pathname + window.location.search;
  const target = `/login?callbackUrl=${encodeURIComponent(here)}`;
  // eslint-disable-next-line @next/next/no-location-assign-relative-destination -- no router outside React (apiFetch is plain code), and a full page load is wanted: it drops every client cache of the ended session
  signOut({ callbackUrl: target }).catch(() => window.location.assign(target));
}

/**
 * The server names fields either as `apiKey` or, from request validation, as `fields.apiKey`;
 * both map to `apiKey` here.
 */
function normalizeFields(raw: unknown): Record<string, string> {
  if (!raw || typeof raw !== "object") return {};
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof value !== "string") continue;
    const name = key.replace(/^(body\.)?fields\./, "");
    out[name] ??= value;
  }
  return out;
}

export async function apiFetch<T>(path: string, init: Omit<RequestInit, "body"> & { body?: unknown } = {}): Promise<T> {
  const { body, headers, ...rest } = init;
  let response: Response;
  try {
    response = await fetch(path, {
      ...rest,
      credentials: "same-origin",
      cache: "no-store",
      headers: {
        accept: "application/json",
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
        ...headers,
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  } catch {
    throw new ApiRequestError(0, "Could not reach the Plugboard server. Check your connection and try again.");
  }

  // A proxy that answers a signed-out API call with a redirect to the sign-in page.
  if (response.redirected && new URL(response.url).pathname.startsWith("/login")) {
    redirectToLogin();
    throw new ApiRequestError(401, "Your session has ended. Sign in again.");
  }

  const text = await response.text();
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }

  if (!response.ok) {
    const record = (data && typeof data === "object" ? data : {}) as { error?: unknown; fields?: unknown };
    const message = typeof record.error === "string" && record.error ? record.error : `The server answered ${response.status} ${response.statusText}`.trim();
    if (response.status === 401) redirectToLogin();
    throw new ApiRequestError(response.status, message, normalizeFields(record.fields));
  }

  if (text && data === null) {
    throw new ApiRequestError(response.status, "The server sent an answer that is not JSON.");
  }
  return data as T;
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return "Something went wrong.";
}

/** A 403 for a viewer: the message the API sent, or a plain "read-only" sentence. */
export function isForbidden(error: unknown): boolean {
  return error instanceof ApiRequestError && error.status === 403;
}
