// S3's wire format as the fake S3 server speaks it: errors (`<Error><Code/><Message/>…`), XML
// escaping, and the little XML reading the fake needs (DeleteObjects and
// CompleteMultipartUpload bodies, which are flat lists of known elements).
import crypto from "node:crypto";

/** An S3 error answer: status, code, message, extra elements of the XML body and headers. */
export class S3Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, string> = {},
    readonly headers: Record<string, string> = {},
    /** HEAD answers and some redirects carry no body. */
    readonly noBody = false,
  ) {
    super(message);
  }
}

/** Default messages, as S3 words them, for the codes an injected failure may name. */
const DEFAULT_MESSAGES: Record<string, string> = {
  SlowDown: "Please reduce your request rate.",
  InternalError: "We encountered an internal error. Please try again.",
  ServiceUnavailable: "Service is unable to handle request.",
  RequestTimeout: "Your socket connection to the server was not read from or written to within the timeout period. Idle connections will be closed.",
  AccessDenied: "Access Denied",
};

export function defaultMessage(code: string): string {
  return DEFAULT_MESSAGES[code] ?? code;
}

export const S3_XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/";

/** Escapes text content as S3 does (quotes too: an ETag reads `<ETag>&quot;…&quot;</ETag>`). */
export function xmlEscape(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

export function xmlUnescape(value: string): string {
  return value.replace(/&(lt|gt|quot|apos|amp|#x[0-9a-fA-F]+|#\d+);/g, (_m, entity: string) => {
    if (entity === "lt") return "<";
    if (entity === "gt") return ">";
    if (entity === "quot") return '"';
    if (entity === "apos") return "'";
    if (entity === "amp") return "&";
    const code = entity.startsWith("#x") ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
    return String.fromCodePoint(code);
  });
}

/** `<Name>value</Name>` for each entry, values escaped; undefined entries left out. */
export function xmlElements(entries: [string, string | number | boolean | undefined][]): string {
  return entries
    .filter((e): e is [string, string | number | boolean] => e[1] !== undefined)
    .map(([name, value]) => `<${name}>${xmlEscape(String(value))}</${name}>`)
    .join("");
}

export function xmlDocument(root: string, inner: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${S3_XMLNS}">${inner}</${root}>`;
}

export function newRequestId(): string {
  return crypto.randomBytes(8).toString("hex").toUpperCase();
}

export function errorXml(error: S3Error, requestId: string): string {
  const inner = xmlElements([["Code", error.code], ["Message", error.message], ...Object.entries(error.extra), ["RequestId", requestId], ["HostId", hostId(requestId)]]);
  // S3's <Error> carries no namespace.
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error>${inner}</Error>`;
}

export function hostId(requestId: string): string {
  return crypto.createHash("sha256").update(requestId).digest("base64");
}

/**
 * The body of a flat request document such as `<Delete><Object><Key>a</Key></Object>…</Delete>`:
 * checks the root element and returns the text of each `<item>` block, or null when the
 * document is not that shape (S3 answers MalformedXML).
 */
export function xmlItems(body: string, root: string, item: string): { items: string[]; inner: string } | null {
  const text = body
    .replace(/^\uFEFF/, "")
    .replace(/<\?xml[^>]*\?>/, "")
    .trim();
  const rootMatch = new RegExp(`^<${root}(?:\\s[^>]*)?>([\\s\\S]*)</${root}>$`).exec(text);
  if (!rootMatch) return null;
  const inner = rootMatch[1]!;
  const items: string[] = [];
  const itemPattern = new RegExp(`<${item}(?:\\s[^>]*)?>([\\s\\S]*?)</${item}>`, "g");
  for (let m = itemPattern.exec(inner); m; m = itemPattern.exec(inner)) items.push(m[1]!);
  return { items, inner };
}

/** The unescaped text of the first `<name>` element in `xml`, if any. */
export function xmlText(xml: string, name: string): string | undefined {
  const m = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`).exec(xml);
  if (m) return xmlUnescape(m[1]!);
  return new RegExp(`<${name}(?:\\s[^>]*)?/>`).test(xml) ? "" : undefined;
}
