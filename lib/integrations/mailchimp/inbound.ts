// Mailchimp audience webhooks (the `inbound` slot). Mailchimp does not sign its deliveries: the URL
// it calls carries a secret (?secret=MAILCHIMP_WEBHOOK_SECRET, compared in constant time) and the
// workspace (?workspace=<id>). Replays are refused by the age of `fired_at` and by deduplication on
// a hash of the body. Bodies are form-encoded: type=subscribe&fired_at=2026-11-21 10:00:00&data[email]=…
// Events are read into contact changes (subscribe, unsubscribe, profile, cleaned, upemail);
// campaign is kept as the stored event only.
//
// URL to register in Mailchimp (Audience → Settings → Webhooks):
//   https://<PUBLIC_URL>/api/webhooks/mailchimp?secret=<MAILCHIMP_WEBHOOK_SECRET>&workspace=<workspace id>
// (`/api/mailchimp/webhooks` answers the same, as an alias.)
import crypto from "node:crypto";
import { config } from "@/lib/config";
import type {
  CandidateLookup,
  ContactFacts,
  InboundAnswer,
  InboundChange,
  InboundPort,
  InboundRequest,
  JsonObject,
  StoredEvent,
  Verification,
} from "@/lib/integrations/kit/ports/inbound";

export const MAILCHIMP_EVENT_TYPES = ["subscribe", "unsubscribe", "profile", "cleaned", "upemail", "campaign"] as const;
export type MailchimpEventType = (typeof MAILCHIMP_EVENT_TYPES)[number];

/** A clock difference Mailchimp's fired_at may show ahead of ours. */
const FUTURE_SKEW_MS = 5 * 60_000;

/** Constant-time comparison of the URL's secret with MAILCHIMP_WEBHOOK_SECRET (hashing evens out lengths). */
export function mailchimpSecretMatches(given: string | null): boolean {
  const secret = config().MAILCHIMP_WEBHOOK_SECRET;
  if (!secret || !given) return false;
  const a = crypto.createHash("sha256").update(given).digest();
  const b = crypto.createHash("sha256").update(secret).digest();
  return crypto.timingSafeEqual(a, b);
}

const UNSAFE_KEYS = new Set(["__proto__", "constructor", "prototype"]);

export type FormTree = { [key: string]: string | FormTree };

/** `data[merges][FNAME]=Ada` → `{ data: { merges: { FNAME: "Ada" } } }`. */
export function parseNestedForm(body: string): FormTree {
  const root: FormTree = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const path = key.split(/\[|\]\[|\]$/).filter((part, i) => i === 0 || part !== "");
    if (!path[0] || path.some((part) => UNSAFE_KEYS.has(part))) continue;
    let node = root;
    for (let i = 0; i < path.length - 1; i++) {
      const next = node[path[i]!];
      if (typeof next === "object") node = next;
      else node = node[path[i]!] = {};
    }
    node[path.at(-1)!] = value;
  }
  return root;
}

/** Mailchimp's `fired_at` ("2026-11-21 10:00:00", UTC) as a Date, or null when absent or malformed. */
export function parseFiredAt(value: unknown): Date | null {
  if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value)) return null;
  const date = new Date(`${value.replace(" ", "T")}Z`);
  return Number.isNaN(date.getTime()) ? null : date;
}

function bodyHash(rawBody: string): string {
  return `sha256:${crypto.createHash("sha256").update(rawBody).digest("hex")}`;
}

/** Checks a delivery's URL secret, workspace and age, and reads its form body. */
export async function verifyMailchimpDelivery(lookup: CandidateLookup, request: InboundRequest): Promise<Verification> {
  const secret = request.url.searchParams.get("secret");
  if (!secret) return { ok: false, verdict: "missing", reason: "Missing ?secret= in the Mailchimp webhook URL" };
  if (!config().MAILCHIMP_WEBHOOK_SECRET) {
    return { ok: false, verdict: "invalid", reason: "Mailchimp webhooks are off: set MAILCHIMP_WEBHOOK_SECRET on the server and put it in the webhook URL (?secret=…)" };
  }
  const workspaceParam = request.url.searchParams.get("workspace")?.slice(0, 64);
  const workspaceId = workspaceParam && (await lookup.workspaceExists(workspaceParam)) ? workspaceParam : null;
  if (!mailchimpSecretMatches(secret)) return { ok: false, verdict: "invalid", reason: "Wrong secret in the Mailchimp webhook URL", workspaceId };
  if (!workspaceId) return { ok: false, verdict: "invalid", reason: "The Mailchimp webhook URL must name an existing workspace (?workspace=<id>)" };

  const form = parseNestedForm(request.rawBody);
  const type = typeof form.type === "string" ? form.type : "";
  if (!type) return { ok: false, verdict: "invalid", reason: "Not a Mailchimp webhook body: no type", workspaceId };
  const firedAt = parseFiredAt(form.fired_at);
  if (!firedAt) return { ok: false, verdict: "invalid", reason: "Not a Mailchimp webhook body: fired_at missing or not YYYY-MM-DD HH:MM:SS", workspaceId };
  const maxAgeSeconds = config().MAILCHIMP_WEBHOOK_MAX_AGE_SECONDS;
  const now = request.receivedAt.getTime();
  if (now - firedAt.getTime() > maxAgeSeconds * 1000)
    return { ok: false, verdict: "stale", reason: `fired_at is more than ${maxAgeSeconds} s old: refused as a replay`, workspaceId };
  if (firedAt.getTime() - now > FUTURE_SKEW_MS) return { ok: false, verdict: "invalid", reason: "fired_at is in the future", workspaceId };
  return { ok: true, delivery: { provider: "mailchimp", workspaceId, connectionId: null, dedupeKey: bodyHash(request.rawBody), type, payload: form } };
}

/** Mailchimp checks a webhook URL with a GET before saving it: answer 200 when the secret is right. */
export function answerMailchimpValidation(request: InboundRequest): InboundAnswer {
  const secret = request.url.searchParams.get("secret");
  if (!secret) return { kind: "refused", status: 401, reason: "Missing ?secret= in the Mailchimp webhook URL" };
  if (!mailchimpSecretMatches(secret)) return { kind: "refused", status: 401, reason: "Wrong secret in the Mailchimp webhook URL" };
  return { kind: "json", status: 200, body: { ok: true } };
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() ? value.trim() : undefined;
}

function tree(value: unknown): FormTree {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as FormTree) : {};
}

/** Merge fields without the address itself (nested groupings are kept as they came). */
function mergeFieldsOf(data: FormTree): JsonObject {
  const { EMAIL: _email, ...rest } = tree(data.merges);
  return rest;
}

/** The person's name from Mailchimp's default FNAME / LNAME merge fields. */
function nameOf(merges: JsonObject): string | undefined {
  return [str(merges.FNAME), str(merges.LNAME)].filter(Boolean).join(" ") || undefined;
}

function interpret(event: StoredEvent): InboundChange[] {
  const form = tree(event.payload);
  const data = tree(form.data);
  const at = parseFiredAt(form.fired_at) ?? event.receivedAt;
  const listId = str(data.list_id);
  if (event.type === "campaign") return []; // recorded as the stored event itself
  if (event.type === "upemail") {
    const oldEmail = str(data.old_email);
    const newEmail = str(data.new_email);
    if (!oldEmail || !newEmail) throw new Error("upemail without old_email and new_email");
    return [{ kind: "contact.email_changed", oldEmail, newEmail, listId, at }];
  }
  const email = str(data.email);
  if (!email) throw new Error(`${event.type} without data[email]`);
  const mergeFields = mergeFieldsOf(data);
  const facts: ContactFacts = { email, name: nameOf(mergeFields), mergeFields, listId, at };
  switch (event.type) {
    case "subscribe":
      return [{ kind: "contact.subscribed", ...facts }];
    case "unsubscribe":
      return [{ kind: "contact.unsubscribed", ...facts }];
    case "profile":
      return [{ kind: "contact.profile_updated", ...facts }];
    case "cleaned":
      return [{ kind: "contact.cleaned", ...facts }];
    default:
      return [];
  }
}

export const inbound: InboundPort = {
  endpoints: {
    "": { verify: (request, lookup) => verifyMailchimpDelivery(lookup, request), get: answerMailchimpValidation },
  },
  interprets: (type) => (MAILCHIMP_EVENT_TYPES as readonly string[]).includes(type),
  interpret,
};
