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
      let body: { personalizations?: unknown; from?: { email?: unknown } } | undefined;
      try {
        body = JSON.parse(req.body);
      } catch {
        return sendJson(res, 400, errors("Invalid JSON", null));
      }
      if (!Array.isArray(body?.personalizations) || body.personalizations.length === 0) return sendJson(res, 400, errors("The personalizations field is required and must have at least one personalization.", "personalizations"));
      if (typeof body.from?.email !== "string") return sendJson(res, 400, errors("The from object must be provided for every email send.", "from"));
      sent.push({ key, body });
      res.writeHead(202, { "x-message-id": `fake${sent.length}` });
      return res.end();
    }
    return sendJson(res, 404, errors("resource not found"));
  });

  return { ...base, keys, addKey, sent };
}
