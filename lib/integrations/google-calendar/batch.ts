// Google's batch wire format (multipart/mixed of application/http parts), which googleapis does
// not implement: a builder for the request body and a parser for the answer. Each part of the
// request is one complete HTTP request (path only, no host); the answer has one part per call,
// in the same order, each a complete HTTP response, tagged `Content-ID: <response-…>`.
// https://developers.google.com/calendar/api/guides/batch
import crypto from "node:crypto";

const CRLF = "\r\n";

export interface BatchRequestPart {
  /** Echoed back as the answer part's Content-ID ("response-<id>"). */
  id: string;
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Path and query, e.g. "/calendar/v3/calendars/primary/events?conferenceDataVersion=1". */
  path: string;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
}

export interface BatchResponsePart {
  /** The request part's id, from Content-ID; null when the server sent none. */
  id: string | null;
  status: number;
  statusText: string;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** Parsed JSON when the part is JSON, else the raw text ("" for none). */
  body: unknown;
}

export function newBoundary(): string {
  return `batch_${crypto.randomBytes(12).toString("hex")}`;
}

/** The body of `POST /batch/calendar/v3` with `Content-Type: multipart/mixed; boundary=<boundary>`. */
export function buildBatchBody(parts: readonly BatchRequestPart[], boundary: string): string {
  if (!/^[A-Za-z0-9'()+_,\-./:=?]{1,70}$/.test(boundary)) throw new Error("Invalid multipart boundary");
  const out: string[] = [];
  for (const part of parts) {
    if (!part.path.startsWith("/")) throw new Error(`Batch part ${part.id}: the path must start with "/" (no host)`);
    if (/[\r\n]/.test(part.path) || /[\r\n<>]/.test(part.id)) throw new Error(`Batch part ${part.id}: line breaks are not allowed`);
    out.push(`--${boundary}`, "Content-Type: application/http", `Content-ID: <${part.id}>`, "", `${part.method} ${part.path} HTTP/1.1`);
    const json = part.body === undefined ? undefined : JSON.stringify(part.body);
    for (const [name, value] of Object.entries(part.headers ?? {})) out.push(`${name}: ${value}`);
    if (json !== undefined) out.push("Content-Type: application/json; charset=UTF-8", `Content-Length: ${Buffer.byteLength(json)}`);
    out.push("", json ?? "");
  }
  out.push(`--${boundary}--`, "");
  return out.join(CRLF);
}

/** The boundary parameter of a multipart Content-Type (quoted or not). */
export function boundaryOf(contentType: string | null | undefined): string | null {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? "");
  return m ? (m[1] ?? m[2] ?? null) : null;
}

/** Splits a block into its header lines and the rest, at the first empty line (CRLF or LF). */
function splitHead(block: string): { head: string[]; rest: string } {
  const m = /\r?\n\r?\n/.exec(block);
  if (!m) return { head: block.split(/\r?\n/).filter(Boolean), rest: "" };
  return { head: block.slice(0, m.index).split(/\r?\n/), rest: block.slice(m.index + m[0].length) };
}

function headerMap(lines: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(":");
    if (i > 0) out[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return out;
}

/**
 * The parts of a multipart body, without the closing part. A delimiter is a line of its own
 * (RFC 2046 §5.1.1): at the start of the body or after a line break, "--" and the boundary, "--"
 * more for the last one, then optional transport padding up to the line end. The line break
 * before a delimiter belongs to it; "--boundary" inside a line is content (e.g. in a JSON text).
 */
export function multipartParts(body: string, boundary: string): string[] {
  const escaped = boundary.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const delimiter = new RegExp(`(?:^|\\r?\\n)--${escaped}(--)?[ \\t]*(?=\\r?\\n|$)`, "g");
  const parts: string[] = [];
  let start = -1;
  for (const m of body.matchAll(delimiter)) {
    if (start >= 0) parts.push(body.slice(start, m.index));
    if (m[1]) return parts;
    const end = m.index + m[0].length;
    start = body.startsWith("\r\n", end) ? end + 2 : body.startsWith("\n", end) ? end + 1 : end;
  }
  return parts;
}

/** Reads the answer of a batch request. Throws when the body is not a multipart answer at all. */
export function parseBatchResponse(body: string, contentType: string | null | undefined): BatchResponsePart[] {
  const boundary = boundaryOf(contentType);
  if (!boundary) throw new Error(`Google batch answer is not multipart (Content-Type: ${contentType ?? "none"})`);
  return multipartParts(body, boundary).map((part) => {
    const outer = splitHead(part);
    const partHeaders = headerMap(outer.head);
    const inner = splitHead(outer.rest.replace(/^\r?\n/, ""));
    const statusLine = inner.head[0] ?? "";
    const status = /^HTTP\/\d(?:\.\d)?\s+(\d{3})\s*(.*)$/.exec(statusLine);
    if (!status) throw new Error(`Google batch answer part has no HTTP status line: ${statusLine.slice(0, 80)}`);
    const headers = headerMap(inner.head.slice(1));
    const text = inner.rest.replace(/\r?\n$/, "");
    let parsed: unknown = text;
    if (text && /json/i.test(headers["content-type"] ?? "json")) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    const contentId = /^<?(?:response-)?(.*?)>?$/.exec(partHeaders["content-id"] ?? "")?.[1];
    return { id: contentId ? contentId : null, status: Number(status[1]), statusText: status[2] ?? "", headers, body: parsed };
  });
}

/**
 * The answers in the order of the requests: by Content-ID where the server sent them, by position
 * otherwise. A request without an answer gets a synthetic 500, so no item is silently lost.
 */
export function matchResponses(requests: readonly BatchRequestPart[], responses: readonly BatchResponsePart[]): BatchResponsePart[] {
  const byId = new Map(responses.filter((r) => r.id !== null).map((r) => [r.id!, r]));
  return requests.map((request, i) => {
    const found = byId.get(request.id) ?? (responses[i] && responses[i]!.id === null ? responses[i] : undefined);
    return found ?? { id: request.id, status: 500, statusText: "Missing", headers: {}, body: { error: { code: 500, message: "The batch answer had no part for this call" } } };
  });
}
