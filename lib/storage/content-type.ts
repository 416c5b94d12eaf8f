// What a file really is, from its first bytes: a declared "image/png" must start like a PNG, and
// a "text/csv" must be text. A renamed executable or an HTML page sent as an image is refused
// before anything reaches the bucket.
import { fileTypeFromBuffer } from "file-type";
import { ApiError } from "@/lib/http/api";
import { typeAllowed, type UploadRules } from "@/lib/integrations/kit/storage-rules";

/** Bytes read before deciding: file-type's own sample size. */
export const SNIFF_BYTES = 4100;

const ALIASES: Record<string, string> = {
  "image/jpg": "image/jpeg",
  "image/pjpeg": "image/jpeg",
  "application/x-zip-compressed": "application/zip",
  "text/comma-separated-values": "text/csv",
};

// Formats without a signature of their own: they must be readable text.
const TEXT_TYPES = new Set(["text/csv", "text/plain", "application/json", "text/markdown", "text/tab-separated-values", "application/xml", "text/xml"]);
const isText = (type: string) => TEXT_TYPES.has(type) || type.startsWith("text/");

// Office documents are ZIP files; their first bytes only say "zip".
const ZIP_CONTAINERS = new Set([
  "application/zip",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  "application/epub+zip",
]);

/** A content type without parameters, lower-cased and with common aliases resolved. */
export function normaliseType(contentType: string): string {
  const type = contentType.split(";")[0]!.trim().toLowerCase();
  return ALIASES[type] ?? type;
}

/** UTF-8 text without NUL bytes (a sample may end inside a character). */
function looksLikeText(sample: Uint8Array, complete: boolean): boolean {
  if (sample.includes(0)) return false;
  const bytes = complete ? sample : sample.subarray(0, Math.max(0, sample.length - 3));
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

const refused = (message: string) => new ApiError(415, message);

/**
 * The content type to store the file with, after checking it against the connection's rules and
 * against `sample` (the first SNIFF_BYTES bytes; `complete` when that is the whole file).
 * `application/octet-stream` (what browsers send for an unknown extension) takes the detected type.
 * Throws 415 saying what is wrong.
 */
export async function checkContentType(declaredType: string, sample: Uint8Array, complete: boolean, rules: UploadRules, fileName: string): Promise<string> {
  const declared = normaliseType(declaredType || "application/octet-stream");
  const detected = (await fileTypeFromBuffer(sample))?.mime;
  const type = declared === "application/octet-stream" && detected ? normaliseType(detected) : declared;
  if (!typeAllowed(rules, type)) throw refused(`${fileName}: files of type ${type} are not accepted here (allowed: ${rules.allowedTypes.join(", ")})`);
  if (detected) {
    const found = normaliseType(detected);
    const same = found === type || (ZIP_CONTAINERS.has(type) && ZIP_CONTAINERS.has(found));
    if (!same) throw refused(`${fileName}: the file says it is ${type}, but its contents are ${found}`);
    return type;
  }
  if (isText(type)) {
    if (!looksLikeText(sample, complete)) throw refused(`${fileName}: the file says it is ${type}, but its contents are not text`);
    return type;
  }
  throw refused(`${fileName}: the file says it is ${type}, but its contents do not look like one`);
}
