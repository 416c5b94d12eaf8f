// Thin-route helpers: read and validate input, map errors to JSON answers a person can act on,
// and never let an unexpected error (or a secret inside one) reach the client.
import { NextResponse } from "next/server";
import { z, type ZodType } from "zod";
import { config } from "@/lib/config";
import { logger } from "@/lib/log";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fields?: Record<string, string>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export const badRequest = (message: string, fields?: Record<string, string>) => new ApiError(400, message, fields);
export const notFound = (message: string) => new ApiError(404, message);

export function json(data: unknown, init?: number | ResponseInit): NextResponse {
  const options = typeof init === "number" ? { status: init } : init;
  return NextResponse.json(data, { ...options, headers: { "cache-control": "no-store", ...options?.headers } });
}

export function errorResponse(error: ApiError): NextResponse {
  return json({ error: error.message, ...(error.fields ? { fields: error.fields } : {}) }, { status: error.status, headers: error.headers });
}

/** `{ "fields.apiKey": "Required" }` from a zod error, with one sentence that names them. */
export function describeZodError(error: z.ZodError, prefix = ""): { message: string; fields: Record<string, string> } {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = [prefix, ...issue.path.map(String)].filter(Boolean).join(".") || "(body)";
    fields[key] ??= issue.message;
  }
  const names = Object.keys(fields);
  const message = names.length === 1 && names[0] === "(body)" ? fields["(body)"]! : `Invalid ${names.join(", ")}: ${names.map((n) => `${n} — ${fields[n]}`).join("; ")}`;
  return { message, fields };
}

/**
 * Where a value holds text PostgreSQL cannot store — a NUL character, or half of a surrogate pair
 * (not UTF-8) — as a field path and the problem; null when all its text can be stored. Refused up
 * front so such input is a 400 naming the field, never a failed save after a provider call.
 */
export function unstorableText(value: unknown, path: string[] = [], depth = 0): { field: string; problem: string } | null {
  const problem = (text: string) => (text.includes("\u0000") ? "contains a NUL character" : !text.isWellFormed() ? "contains an unpaired surrogate (not valid Unicode)" : null);
  const field = () => path.join(".") || "(body)";
  if (typeof value === "string") {
    const why = problem(value);
    return why ? { field: field(), problem: why } : null;
  }
  if (!value || typeof value !== "object" || depth > 64) return null;
  for (const [key, inner] of Object.entries(value)) {
    const keyWhy = problem(key);
    if (keyWhy) return { field: field(), problem: `has a key that ${keyWhy}` };
    const found = unstorableText(inner, [...path, key], depth + 1);
    if (found) return found;
  }
  return null;
}

export function validate<T>(schema: ZodType<T>, value: unknown, what = ""): T {
  const unstorable = unstorableText(value, what ? [what] : []);
  if (unstorable) throw badRequest(`Invalid ${unstorable.field}: ${unstorable.problem}`, { [unstorable.field]: `Text ${unstorable.problem}` });
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const { message, fields } = describeZodError(parsed.error, what);
    throw badRequest(message, fields);
  }
  return parsed.data;
}

/**
 * Reads a JSON body within the size limit (413 past it) and validates it (400 naming the fields).
 * `limitBytes` raises the limit for routes that take bulk input (calendar batches).
 */
export async function readJson<T>(request: Request, schema: ZodType<T>, options: { limitBytes?: number } = {}): Promise<T> {
  const limit = options.limitBytes ?? config().REQUEST_BODY_LIMIT_BYTES;
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > limit) throw new ApiError(413, `Request body is larger than ${limit} bytes`);
  const type = request.headers.get("content-type") ?? "";
  // Declared JSON, always: a form or text/plain post (what another site can send without asking
  // the browser first) is refused before it is read.
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    throw new ApiError(415, "Send the request body as JSON (Content-Type: application/json)");
  }
  const text = await readTextWithin(request, limit);
  if (!text.trim()) throw badRequest("Request body is empty; send a JSON object");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw badRequest(`Request body is not valid JSON: ${(error as Error).message}`);
  }
  return validate(schema, body);
}

/** Reads the raw body, stopping at `limit` bytes even when Content-Length lied or was absent. */
export async function readTextWithin(request: Request, limit: number): Promise<string> {
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new ApiError(413, `Request body is larger than ${limit} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export function readQuery<T>(request: Request, schema: ZodType<T>): T {
  const params = new URL(request.url).searchParams;
  const raw: Record<string, string> = {};
  params.forEach((value, key) => {
    raw[key] = value;
  });
  return validate(schema, raw, "query");
}

type RouteContext = { params: Promise<Record<string, string | string[] | undefined>> };

/** Wraps a route handler: ApiError → its status; anything else → logged, and a 500 without details. */
export function handle<C extends RouteContext = RouteContext>(fn: (request: Request, context: C) => Promise<Response>) {
  return async (request: Request, context: C): Promise<Response> => {
    try {
      return await fn(request, context);
    } catch (error) {
      if (error instanceof ApiError) return errorResponse(error);
      logger.error("unhandled error in route", { path: new URL(request.url).pathname, method: request.method, error });
      return json({ error: "Something went wrong on our side. The error was logged; try again." }, 500);
    }
  };
}
