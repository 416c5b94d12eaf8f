// A real SMTP server for tests (the `smtp-server` package) that accepts one login and keeps every
// message it receives, split into envelope, headers and the decoded text and HTML parts.
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export const SMTP_LOGIN = { username: "mailer@plugboard.test", password: "smtp password 0123456789" } as const;

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  headers: Record<string, string>;
  subject: string;
  text: string | null;
  html: string | null;
}

export interface FakeSmtp {
  host: string;
  port: number;
  received: ReceivedMail[];
  /** Logins tried (username only), in order. */
  logins: string[];
  /** The next `count` messages are refused with this SMTP reply code and text. */
  rejectNext(code: number, message: string, count?: number): void;
  reset(): void;
  close(): Promise<void>;
}

function decodeQuotedPrintable(value: string): string {
  const bytes = value.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, "latin1").toString("utf8");
}

/** RFC 2047 encoded words (=?UTF-8?Q?…?= / =?UTF-8?B?…?=), as nodemailer writes non-ASCII headers. */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, "?==?")
    .replace(/=\?([^?]+)\?([QB])\?([^?]*)\?=/gi, (_, _charset: string, enc: string, text: string) =>
      enc.toUpperCase() === "B" ? Buffer.from(text, "base64").toString("utf8") : decodeQuotedPrintable(text.replace(/_/g, " ")),
    );
}

function parseHeaders(block: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of block.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/)) {
    const i = line.indexOf(":");
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return headers;
}

function splitPart(raw: string): { headers: Record<string, string>; body: string } {
  const at = raw.search(/\r?\n\r?\n/);
  if (at < 0) return { headers: parseHeaders(raw), body: "" };
  return { headers: parseHeaders(raw.slice(0, at)), body: raw.slice(at).replace(/^\r?\n\r?\n/, "") };
}

function decodeBody(headers: Record<string, string>, body: string): string {
  const encoding = (headers["content-transfer-encoding"] ?? "7bit").toLowerCase();
  if (encoding === "base64") return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  if (encoding === "quoted-printable") return decodeQuotedPrintable(body);
  return body;
}

/** The text/plain and text/html parts of a message (multipart/alternative or single part). */
export function parseMail(raw: string): Pick<ReceivedMail, "headers" | "subject" | "text" | "html"> {
  const { headers, body } = splitPart(raw);
  const parts: { type: string; content: string }[] = [];
  const walk = (h: Record<string, string>, b: string) => {
    const type = h["content-type"] ?? "text/plain";
    const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
    if (/^multipart\//i.test(type) && boundary) {
      for (const chunk of b.split(`--${boundary}`).slice(1)) {
        if (chunk.startsWith("--")) break;
        const part = splitPart(chunk.replace(/^\r?\n/, ""));
        walk(part.headers, part.body);
      }
    } else {
      parts.push({ type: type.split(";")[0]!.trim().toLowerCase(), content: decodeBody(h, b).replace(/\r?\n$/, "") });
    }
  };
  walk(headers, body);
  return {
    headers,
    subject: decodeWords(headers.subject ?? ""),
    text: parts.find((p) => p.type === "text/plain")?.content.replace(/\r\n/g, "\n") ?? null,
    html: parts.find((p) => p.type === "text/html")?.content.replace(/\r\n/g, "\n") ?? null,
  };
}

export async function startFakeSmtp(options: { port?: number } = {}): Promise<FakeSmtp> {
  const received: ReceivedMail[] = [];
  const logins: string[] = [];
  let rejections: { code: number; message: string }[] = [];
  const server = new SMTPServer({
    // Plain SMTP with AUTH (tests use security "none"); STARTTLS stays offered with the package's
    // self-signed certificate, which a client that insists on verified TLS refuses.
    secure: false,
    allowInsecureAuth: true,
    authMethods: ["PLAIN", "LOGIN"],
    logger: false,
    onAuth(auth, _session, callback) {
      logins.push(auth.username ?? "");
      if (auth.username === SMTP_LOGIN.username && auth.password === SMTP_LOGIN.password) return callback(null, { user: auth.username });
      const error = new Error("Invalid username or password") as Error & { responseCode?: number };
      error.responseCode = 535;
      callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const rejection = rejections.shift();
        if (rejection) {
          const error = new Error(rejection.message) as Error & { responseCode?: number };
          error.responseCode = rejection.code;
          return callback(error);
        }
        const raw = Buffer.concat(chunks).toString("utf8");
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          ...parseMail(raw),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    host: "127.0.0.1",
    port,
    received,
    logins,
    rejectNext(code, message, count = 1) {
      for (let i = 0; i < count; i++) rejections.push({ code, message });
    },
    reset() {
      received.length = 0;
      logins.length = 0;
      rejections = [];
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
