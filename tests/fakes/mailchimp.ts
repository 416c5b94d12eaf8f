// A fake Mailchimp Marketing API (v3.0) for the official SDK: API key as HTTP basic password or an
// OAuth token as Bearer, JSON bodies, problems as application/problem+json {type, title, status,
// detail, instance}. It also builds Mailchimp's audience webhook bodies (form-encoded, data[...]).
import crypto from "node:crypto";
import type http from "node:http";
import { credentialFrom, sendJson, startFakeServer, type FakeServerBase, type InjectedFailure, type RecordedRequest } from "@/tests/fakes/http";

export const MAILCHIMP_KEYS = {
  apiKey: "PlugboardMailchimpKey00000000001-us21",
  oauthToken: "PlugboardMailchimpOAuthToken0000000001",
  wrongKey: "PlugboardMailchimpWrong00000000009-us21",
} as const;

export interface FakeAudience {
  id: string;
  name: string;
  members: Map<string, { email_address: string; status: string; merge_fields: Record<string, unknown> }>;
}

export interface FakeMailchimp extends FakeServerBase {
  /** The SDK's base URL for the fake: what MAILCHIMP_API_BASE is set to. */
  apiBase: string;
  audiences: Map<string, FakeAudience>;
}

function problem(res: http.ServerResponse, status: number, title: string, detail: string, extra: Record<string, unknown> = {}) {
  const body = JSON.stringify({ type: "https://mailchimp.com/developer/marketing/docs/errors/", title, status, detail, instance: crypto.randomUUID(), ...extra });
  res.writeHead(status, { "content-type": "application/problem+json; charset=utf-8", "content-length": Buffer.byteLength(body).toString() });
  res.end(body);
}

const md5 = (s: string) => crypto.createHash("md5").update(s).digest("hex");

export async function startFakeMailchimp(options: { port?: number } = {}): Promise<FakeMailchimp> {
  const audiences = new Map<string, FakeAudience>([
    ["a1b2c3d4e5", { id: "a1b2c3d4e5", name: "Newsletter", members: new Map() }],
    ["f6e7d8c9b0", { id: "f6e7d8c9b0", name: "Webinar attendees", members: new Map() }],
  ]);
  const accepted = new Set<string>([MAILCHIMP_KEYS.apiKey, MAILCHIMP_KEYS.oauthToken]);

  const onFailure = (_req: RecordedRequest, res: http.ServerResponse, failure: InjectedFailure) =>
    problem(res, failure.status, failure.status === 429 ? "Too Many Requests" : "Internal Server Error", "Injected failure", failure.body as Record<string, unknown>);

  const base = await startFakeServer({ port: options.port, onFailure }, (req, res) => {
    // Basic auth carries the key as the password (any user name); OAuth sends a Bearer token.
    const basic = /^Basic\s+(.+)$/i.exec(String(req.headers.authorization ?? ""));
    const credential = basic ? Buffer.from(basic[1]!, "base64").toString("utf8").split(":").slice(1).join(":") : credentialFrom(req.headers);
    if (!credential || !accepted.has(credential)) {
      return problem(res, 401, "API Key Invalid", "Your API key may be invalid, or you've attempted to access the wrong datacenter.");
    }
    if (req.method === "GET" && req.path === "/3.0/lists") {
      const lists = [...audiences.values()].map((a) => ({ id: a.id, web_id: 1, name: a.name, stats: { member_count: a.members.size }, date_created: "2026-01-01T00:00:00+00:00" }));
      return sendJson(res, 200, { lists, total_items: lists.length, constraints: { may_create: true, max_instances: 10, current_total_instances: lists.length } });
    }
    const member = /^\/3\.0\/lists\/([^/]+)\/members\/([0-9a-f]{32})$/.exec(req.path);
    if (member && req.method === "PUT") {
      const audience = audiences.get(member[1]!);
      if (!audience) return problem(res, 404, "Resource Not Found", "The requested resource could not be found.");
      let body: { email_address?: string; status_if_new?: string; status?: string; merge_fields?: Record<string, unknown> };
      try {
        body = JSON.parse(req.body);
      } catch {
        return problem(res, 400, "Invalid Resource", "The resource submitted could not be validated.");
      }
      const email = (body.email_address ?? "").toLowerCase();
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email))
        return problem(res, 400, "Invalid Resource", `${body.email_address ?? ""} looks fake or invalid, please enter a real email address.`);
      if (md5(email) !== member[2]) return problem(res, 400, "Invalid Resource", "The subscriber hash does not match the email address.");
      const existing = audience.members.get(member[2]!);
      const status = body.status ?? existing?.status ?? body.status_if_new;
      if (!status || !["subscribed", "unsubscribed", "cleaned", "pending", "transactional"].includes(status)) {
        return problem(res, 400, "Invalid Resource", "The resource submitted could not be validated.", {
          errors: [{ field: "status", message: "Schema describes enum, but input data was not valid." }],
        });
      }
      const saved = { email_address: body.email_address!, status, merge_fields: { ...existing?.merge_fields, ...body.merge_fields } };
      audience.members.set(member[2]!, saved);
      return sendJson(res, 200, {
        id: member[2],
        email_address: saved.email_address,
        unique_email_id: member[2]!.slice(0, 10),
        status: saved.status,
        merge_fields: saved.merge_fields,
        list_id: audience.id,
      });
    }
    return problem(res, 404, "Resource Not Found", "The requested resource could not be found.");
  });
  return { ...base, apiBase: `${base.url}/3.0`, audiences };
}

/** Mailchimp's `fired_at`: "YYYY-MM-DD HH:MM:SS" in UTC. */
export function firedAt(date = new Date()): string {
  return date.toISOString().slice(0, 19).replace("T", " ");
}

/** A Mailchimp webhook body: type=…&fired_at=…&data[email]=…&data[merges][FNAME]=… */
export function mailchimpWebhookBody(type: string, data: Record<string, string | Record<string, string>>, when = new Date()): string {
  const params = new URLSearchParams({ type, fired_at: firedAt(when) });
  for (const [key, value] of Object.entries(data)) {
    if (typeof value === "string") params.append(`data[${key}]`, value);
    else for (const [inner, v] of Object.entries(value)) params.append(`data[${key}][${inner}]`, v);
  }
  return params.toString();
}
