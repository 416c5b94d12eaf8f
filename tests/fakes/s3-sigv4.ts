// AWS Signature Version 4 as S3 checks it, for the fake S3 server: the Authorization header form
// and the presigned-URL (query) form. S3 differs from other services in two ways that matter
// here: the canonical URI is the path exactly as sent (no second round of encoding, no
// normalisation), and the payload hash is whatever `x-amz-content-sha256` says (a hex SHA-256,
// UNSIGNED-PAYLOAD or a STREAMING-… marker), checked against the body afterwards.
import crypto from "node:crypto";
import type http from "node:http";
import { S3Error } from "@/tests/fakes/s3-wire";

export const ALGORITHM = "AWS4-HMAC-SHA256";
export const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
export const MAX_PRESIGN_EXPIRES = 604_800;

export interface Credential {
  accessKeyId: string;
  /** YYYYMMDD */
  date: string;
  region: string;
  service: string;
  /** date/region/service/aws4_request */
  scope: string;
}

/** What a request says about its signature, before the signature is checked. */
export interface SignedRequest {
  kind: "header" | "query";
  credential: Credential;
  signedHeaders: string[];
  signature: string;
  /** x-amz-date / X-Amz-Date, as sent. */
  amzDate: string;
  date: Date;
  payloadHash: string;
  /** Query auth only: X-Amz-Expires in seconds. */
  expiresSeconds?: number;
}

export interface RequestParts {
  method: string;
  /** The path as sent, still percent-encoded. */
  rawPath: string;
  /** The query string as sent, without `?`. */
  rawQuery: string;
  headers: http.IncomingHttpHeaders;
  headersDistinct: Record<string, string[]>;
}

export function sha256Hex(data: string | Buffer): string {
  return crypto.createHash("sha256").update(data).digest("hex");
}

export function hmac(key: Buffer | string, data: string): Buffer {
  return crypto.createHmac("sha256", key).update(data, "utf8").digest();
}

export function signingKey(secretAccessKey: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), "aws4_request");
}

/** RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ is %XX (uppercase). */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Query parameters as sent, decoded; `+` is a literal plus in S3 query strings. */
export function parseQuery(rawQuery: string): [string, string][] {
  if (!rawQuery) return [];
  return rawQuery
    .split("&")
    .filter((p) => p !== "")
    .map((pair) => {
      const eq = pair.indexOf("=");
      return eq === -1 ? [safeDecode(pair), ""] : [safeDecode(pair.slice(0, eq)), safeDecode(pair.slice(eq + 1))];
    });
}

export function canonicalQuery(rawQuery: string, exclude?: string): string {
  return parseQuery(rawQuery)
    .filter(([name]) => name !== exclude)
    .map(([name, value]) => [uriEncode(name), uriEncode(value)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join("&");
}

function canonicalHeaderValue(values: string[] | undefined): string {
  return (values ?? []).map((v) => v.trim().replace(/\s+/g, " ")).join(",");
}

export function canonicalRequest(parts: RequestParts, signed: SignedRequest): string {
  const headerLines = signed.signedHeaders.map((name) => `${name}:${canonicalHeaderValue(parts.headersDistinct[name])}\n`).join("");
  return [
    parts.method,
    parts.rawPath,
    canonicalQuery(parts.rawQuery, signed.kind === "query" ? "X-Amz-Signature" : undefined),
    headerLines,
    signed.signedHeaders.join(";"),
    signed.payloadHash,
  ].join("\n");
}

export function stringToSign(signed: SignedRequest, canonical: string): string {
  return [ALGORITHM, signed.amzDate, signed.credential.scope, sha256Hex(canonical)].join("\n");
}

/** null when the signature matches; otherwise S3's SignatureDoesNotMatch with its diagnostics. */
export function checkSignature(parts: RequestParts, signed: SignedRequest, secretAccessKey: string): S3Error | null {
  const canonical = canonicalRequest(parts, signed);
  const toSign = stringToSign(signed, canonical);
  const key = signingKey(secretAccessKey, signed.credential.date, signed.credential.region, signed.credential.service);
  const expected = hmac(key, toSign);
  const provided = /^[0-9a-f]{64}$/.test(signed.signature) ? Buffer.from(signed.signature, "hex") : Buffer.alloc(0);
  if (provided.length === expected.length && crypto.timingSafeEqual(provided, expected)) return null;
  return signatureMismatch(signed.credential.accessKeyId, toSign, signed.signature, canonical);
}

export function signatureMismatch(accessKeyId: string, toSign: string, provided: string, canonical?: string): S3Error {
  const bytes = (s: string) => [...Buffer.from(s, "utf8")].map((b) => b.toString(16).padStart(2, "0")).join(" ");
  return new S3Error(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method.", {
    AWSAccessKeyId: accessKeyId,
    StringToSign: toSign,
    SignatureProvided: provided,
    StringToSignBytes: bytes(toSign),
    ...(canonical !== undefined ? { CanonicalRequest: canonical, CanonicalRequestBytes: bytes(canonical) } : {}),
  });
}

/** `20261204T174333Z` → Date, or null when malformed. */
export function parseAmzDate(value: string | undefined): Date | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value ?? "");
  if (!m) return null;
  const date = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
  return Number.isNaN(date.getTime()) ? null : date;
}

/** `<id>/<date>/<region>/<service>/aws4_request`, or null. */
export function parseCredential(value: string): Credential | null {
  const parts = value.split("/");
  if (parts.length < 5) return null;
  // An access key id cannot contain "/", so the last four parts are the scope.
  const [date, region, service, terminator] = parts.slice(-4) as [string, string, string, string];
  const accessKeyId = parts.slice(0, -4).join("/");
  if (!accessKeyId || !/^\d{8}$/.test(date) || !region || terminator !== "aws4_request") return null;
  return { accessKeyId, date, region, service, scope: `${date}/${region}/${service}/aws4_request` };
}

const malformedHeader = (why: string) => new S3Error(400, "AuthorizationHeaderMalformed", `The authorization header is malformed; ${why}`);
const queryError = (message: string, extra: Record<string, string> = {}) => new S3Error(400, "AuthorizationQueryParametersError", message, extra);

function single(headers: http.IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The signature claims of an `Authorization: AWS4-HMAC-SHA256 …` request (throws S3Error). */
export function parseHeaderAuth(parts: RequestParts): SignedRequest {
  const auth = single(parts.headers, "authorization") ?? "";
  if (!auth.startsWith(`${ALGORITHM} `)) {
    throw new S3Error(400, "InvalidArgument", "Unsupported Authorization Type", { ArgumentName: "Authorization", ArgumentValue: auth.split(" ")[0] ?? "" });
  }
  const fields = new Map<string, string>();
  for (const piece of auth.slice(ALGORITHM.length + 1).split(",")) {
    const eq = piece.indexOf("=");
    if (eq > 0) fields.set(piece.slice(0, eq).trim(), piece.slice(eq + 1).trim());
  }
  const credentialText = fields.get("Credential");
  const signedHeadersText = fields.get("SignedHeaders");
  const signature = fields.get("Signature");
  if (!credentialText || !signedHeadersText || !signature) throw malformedHeader("a non-empty Credential, SignedHeaders and Signature are required.");
  const credential = parseCredential(credentialText);
  if (!credential) throw malformedHeader(`the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`);
  if (credential.service !== "s3") throw malformedHeader(`incorrect service '${credential.service}'. This endpoint belongs to 's3'.`);

  const amzDate = single(parts.headers, "x-amz-date");
  const date = parseAmzDate(amzDate);
  if (!amzDate || !date) throw new S3Error(403, "AccessDenied", "AWS authentication requires a valid Date or x-amz-date header");
  if (amzDate.slice(0, 8) !== credential.date)
    throw malformedHeader(`Invalid credential date "${credential.date}". This date is not the same as X-Amz-Date: "${amzDate.slice(0, 8)}".`);

  const payloadHash = single(parts.headers, "x-amz-content-sha256");
  if (!payloadHash) throw new S3Error(400, "InvalidRequest", "Missing required header for this request: x-amz-content-sha256");

  const signedHeaders = signedHeadersText.split(";");
  checkUnsignedHeaders(parts.headers, signedHeaders, ["host", "x-amz-date", "x-amz-content-sha256"]);
  return { kind: "header", credential, signedHeaders, signature, amzDate, date, payloadHash };
}

/** The signature claims of a presigned URL (throws S3Error). */
export function parseQueryAuth(parts: RequestParts, query: Record<string, string>): SignedRequest {
  const required = ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Expires"];
  if (required.some((name) => !query[name])) {
    throw queryError(
      "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.",
    );
  }
  if (query["X-Amz-Algorithm"] !== ALGORITHM) throw queryError('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
  const credential = parseCredential(query["X-Amz-Credential"]!);
  if (!credential) throw queryError(`Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`);
  if (credential.service !== "s3") throw queryError(`Error parsing the X-Amz-Credential parameter; incorrect service "${credential.service}". This endpoint belongs to "s3".`);
  const amzDate = query["X-Amz-Date"]!;
  const date = parseAmzDate(amzDate);
  if (!date) throw queryError("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
  if (amzDate.slice(0, 8) !== credential.date) throw queryError(`Invalid credential date "${credential.date}". This date is not the same as X-Amz-Date: "${amzDate.slice(0, 8)}".`);
  const expiresText = query["X-Amz-Expires"]!;
  if (!/^\d+$/.test(expiresText)) throw queryError("X-Amz-Expires should be a number");
  const expiresSeconds = Number(expiresText);
  if (expiresSeconds < 1) throw queryError("X-Amz-Expires must be non-negative");
  if (expiresSeconds > MAX_PRESIGN_EXPIRES) throw queryError(`X-Amz-Expires must be less than a week (in seconds) that is ${MAX_PRESIGN_EXPIRES}`);
  const signedHeaders = query["X-Amz-SignedHeaders"]!.split(";");
  checkUnsignedHeaders(parts.headers, signedHeaders, ["host"]);
  return {
    kind: "query",
    credential,
    signedHeaders,
    signature: query["X-Amz-Signature"]!,
    amzDate,
    date,
    payloadHash: query["X-Amz-Content-Sha256"] ?? UNSIGNED_PAYLOAD,
    expiresSeconds,
  };
}

/**
 * S3 refuses a request whose `x-amz-*` headers are not all signed, or that leaves out a header
 * SigV4 requires to be signed.
 */
function checkUnsignedHeaders(headers: http.IncomingHttpHeaders, signedHeaders: string[], mustSign: string[]): void {
  const signed = new Set(signedHeaders);
  const present = Object.keys(headers).filter((name) => name.startsWith("x-amz-") && headers[name] !== undefined);
  const notSigned = [...new Set([...mustSign.filter((name) => headers[name] !== undefined), ...present])].filter((name) => !signed.has(name));
  if (notSigned.length > 0) {
    throw new S3Error(403, "AccessDenied", "There were headers present in the request which were not signed", { HeadersNotSigned: notSigned.join(", ") });
  }
}
