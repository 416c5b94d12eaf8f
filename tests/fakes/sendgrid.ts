// A fake SendGrid v3 API for the official @sendgrid/mail SDK: `Authorization: Bearer SG.…`, JSON
// bodies, errors as {"errors": [{"message", "field"}]}, rate limits with X-RateLimit-* headers.
import type http from "node:http";
import { credentialFrom, sendJson, startFakeServer, type FakeServerBase, type InjectedFailure, type RecordedRequest } from "@/tests/fakes/http";

export interface FakeSendGridKey {
  scopes: string[];
  email: string;
}

const FULL_SCOPES = ["mail.send", "user.email.read", "user.profile.read", "scopes.read", "alerts.read", "stats.read", "templates.read"];

/** Keys the fake accepts out of the box. Any other key gets SendGrid's 401. */
export const SENDGRID_KEYS = {
  /** Mail send + can read the account email → label "SendGrid · owner@plugboard.test". */
  valid: "SG.PlugboardValid000000001.FakeSecretForTestsOnly0000000000000000000001",
  /** Restricted to mail.send only → label "SendGrid · 1 permission". */
  sendOnly: "SG.PlugboardSendOnly0000001.FakeSecretForTestsOnly0000000000000000000002",
  /** Valid key without Mail Send: the connection test refuses it. */
  noMailSend: "SG.PlugboardNoMailSend00001.FakeSecretForTestsOnly0000000000000000000003",
  /** Well-formed but unknown: always 401. */
  invalid: "SG.PlugboardWrongKey0000001.FakeSecretForTestsOnly0000000000000000000009",
} as const;

export interface SentMail {
  key: string;
  body: unknown;
}

/** One delivered copy as a recipient would get it, read from an accepted mail/send body. */
export interface DeliveredMail {
  to: string;
  from: { email: string; name?: string };
  subject: string;
  text: string | null;
  html: string | null;
  categories: string[];
}

interface MailSendBody {
  personalizations: { to: { email: string; name?: string }[]; subject?: string }[];
  from: { email: string; name?: string };
  subject?: string;
  content: { type: string; value: string }[];
  categories?: string[];
}

/** Every copy the accepted requests asked SendGrid to deliver (one per personalization recipient). */
export function deliveredMail(sent: SentMail[]): DeliveredMail[] {
  return sent.flatMap(({ body }) => {
    const b = body as MailSendBody;
    return b.personalizations.flatMap((p) =>
      p.to.map((to) => ({
        to: to.email,
        from: b.from,
        subject: p.subject ?? b.subject ?? "",
        text: b.content.find((c) => c.type === "text/plain")?.value ?? null,
        html: b.content.find((c) => c.type === "text/html")?.value ?? null,
        categories: b.categories ?? [],
      })),
    );
  });
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The checks SendGrid's v3 mail/send applies to a request, with its messages; null when valid. */
function mailSendProblem(body: unknown): { message: string; field: string | null } | null {
  const b = body as Partial<MailSendBody> | null;
  if (!b || typeof b !== "object") return { message: "Bad Request", field: null };
  if (!Array.isArray(b.personalizations) || b.personalizations.length === 0) {
    return { message: "The personalizations field is required and must have at least one personalization.", field: "personalizations" };
  }
  if (b.personalizations.length > 1000) return { message: "The personalizations field must have no more than 1000 personalizations.", field: "personalizations" };
  for (const [i, p] of b.personalizations.entries()) {
    if (!Array.isArray(p?.to) || p.to.length === 0)
      return {
        message: "The to array is required for all personalization objects, and must have at least one email object with a valid email address.",
        field: `personalizations.${i}.to`,
      };
    for (const [j, to] of p.to.entries()) {
      if (typeof to?.email !== "string" || !EMAIL.test(to.email)) return { message: "Does not contain a valid address.", field: `personalizations.${i}.to.${j}.email` };
    }
  }
  if (typeof b.from?.email !== "string")
    return {
      message: "The from object must be provided for every email send. It is an object that requires an email parameter, but may also contain a name parameter.",
      field: "from",
    };
  if (!EMAIL.test(b.from.email)) return { message: "The from email does not contain a valid address.", field: "from.email" };
  const hasSubject = typeof b.subject === "string" && b.subject.length > 0;
  if (!hasSubject && !b.personalizations.every((p) => typeof p.subject === "string" && p.subject.length > 0)) {
    return {
      message: "The subject is required. You can get around this requirement if you use a template with a subject defined or if every personalization has a subject defined.",
      field: "subject",
    };
  }
  if (!Array.isArray(b.content) || b.content.length === 0)
    return { message: "Unless a valid template_id is provided, the content parameter is required. There must be at least one defined content block.", field: "content" };
  for (const [i, c] of b.content.entries()) {
    if (typeof c?.value !== "string" || c.value.length === 0)
      return { message: "The content value must be a string at least one character in length.", field: `content.${i}.value` };
  }
  const types = b.content.map((c) => c.type);
  const plain = types.indexOf("text/plain");
  if (plain > 0 || (types.includes("text/html") && types.indexOf("text/html") > 1)) {
    return { message: "If present, text/plain and text/html may only be the first two content types in the content array and text/plain must come first.", field: "content" };
  }
  if (b.categories && (b.categories.length > 10 || b.categories.some((c) => typeof c !== "string" || c.length > 255))) {
    return { message: "The categories parameter may not have more than 10 categories, each no longer than 255 characters.", field: "categories" };
  }
  return null;
}

export interface FakeSendGrid extends FakeServerBase {
  keys: Map<string, FakeSendGridKey>;
  addKey(key: string, options?: Partial<FakeSendGridKey>): void;
  /** Bodies accepted by POST /v3/mail/send. */
  sent: SentMail[];
}

const errors = (message: string, field: string | null = null) => ({ errors: [{ message, field, help: null }] });

export async function startFakeSendGrid(options: { port?: number } = {}): Promise<FakeSendGrid> {
  const keys = new Map<string, FakeSendGridKey>();
  const addKey = (key: string, o: Partial<FakeSendGridKey> = {}) => keys.set(key, { scopes: o.scopes ?? FULL_SCOPES, email: o.email ?? "owner@plugboard.test" });
  addKey(SENDGRID_KEYS.valid);
  addKey(SENDGRID_KEYS.sendOnly, { scopes: ["mail.send"] });
  addKey(SENDGRID_KEYS.noMailSend, { scopes: ["alerts.read", "stats.read"] });
  const sent: SentMail[] = [];

  const onFailure = (_req: RecordedRequest, res: http.ServerResponse, failure: InjectedFailure) => {
    const headers: Record<string, string> = { ...failure.headers };
    if (failure.retryAfter !== undefined) headers["retry-after"] = String(failure.retryAfter);
    if (failure.status === 429) {
      headers["x-ratelimit-limit"] ??= "600";
      headers["x-ratelimit-remaining"] ??= "0";
      headers["x-ratelimit-reset"] ??= String(Math.ceil(Date.now() / 1000) + (failure.retryAfter ?? 1));
    }
    const body = failure.body ?? (failure.status === 429 ? errors("too many requests") : failure.status >= 500 ? errors("internal server error") : errors("injected failure"));
    sendJson(res, failure.status, body, headers);
  };

  const base = await startFakeServer({ port: options.port, onFailure }, (req, res) => {
    const auth = req.headers.authorization;
    if (!auth || !/^Bearer\s+/i.test(auth)) return sendJson(res, 401, errors("authorization required"));
    const key = credentialFrom(req.headers)!;
    const account = keys.get(key);
    if (!account) return sendJson(res, 401, errors("The provided authorization grant is invalid, expired, or revoked"));
    const need = (scope: string) => {
      if (account.scopes.includes(scope)) return true;
      sendJson(res, 403, errors("access forbidden"));
      return false;
    };
    if (req.method === "GET" && req.path === "/v3/scopes") return sendJson(res, 200, { scopes: account.scopes });
    if (req.method === "GET" && req.path === "/v3/user/email") {
      if (need("user.email.read")) sendJson(res, 200, { email: account.email });
      return;
    }
    if (req.method === "GET" && req.path === "/v3/user/profile") {
      if (need("user.profile.read")) sendJson(res, 200, { first_name: "Plugboard", last_name: "Owner", company: "Plugboard Test Co", country: "US" });
      return;
    }
    if (req.method === "POST" && req.path === "/v3/mail/send") {
      if (!need("mail.send")) return;
      let body: unknown;
      try {
        body = JSON.parse(req.body);
      } catch {
        return sendJson(res, 400, errors("Invalid JSON", null));
      }
      const problem = mailSendProblem(body);
      if (problem) return sendJson(res, 400, errors(problem.message, problem.field));
      sent.push({ key, body });
      res.writeHead(202, { "x-message-id": `fake${sent.length}` });
      return res.end();
    }
    return sendJson(res, 404, errors("resource not found"));
  });

  return {
    ...base,
    keys,
    addKey,
    sent,
    reset() {
      base.reset();
      sent.length = 0;
    },
  };
}
