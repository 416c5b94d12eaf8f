// Mailchimp audience webhooks (the `inbound` slot). Mailchimp does not sign its deliveries: the URL
// it calls is the proof. Each Mailchimp connection has its own URL, which names the connection and
// carries that connection's random secret (compared in constant time); the workspace is the
// connection's, whatever the query says. Replays are refused by the age of `fired_at` and by
// deduplication on a hash of the body. Bodies are form-encoded: type=subscribe&fired_at=2026-11-21
// 10:00:00&data[email]=… Events are read into contact changes (subscribe, unsubscribe, profile,
// cleaned, upemail); campaign is kept as the stored event only.
//
// URL to register in Mailchimp (Audience → Settings → Webhooks), shown whole to admins on the
// connection's card:
//   https://<PUBLIC_URL>/api/webhooks/mailchimp/<connection id>?secret=<the connection's secret>
//
// The old URL shape, /api/webhooks/mailchimp?secret=<MAILCHIMP_WEBHOOK_SECRET>&workspace=<id>
// (and its alias /api/mailchimp/webhooks), still works while MAILCHIMP_WEBHOOK_SECRET is set, so
// audiences registered before per-connection URLs keep delivering until they are re-registered.
// Its one deployment-wide secret proves nothing about the workspace, which the query names: anyone
// given one workspace's old URL can write into another. Unset the variable once every audience
// uses its connection's URL.
import crypto from "node:crypto";
import { config } from "@/lib/config";
import { urlSecretMatches } from "@/lib/integrations/kit/secrets";
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

/** Constant-time comparison of an old-shape URL's secret with MAILCHIMP_WEBHOOK_SECRET. */
function mailchimpSecretMatches(given: string | null): boolean {
  return urlSecretMatches(given, config().MAILCHIMP_WEBHOOK_SECRET);
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

const MISSING_SECRET = "Missing ?secret= in the Mailchimp webhook URL";

/** Whose delivery a URL is (its workspace and, for a connection's own URL, the connection), or why it is refused. */
type Owner = { ok: true; workspaceId: string; connectionId: string | null };
type Refusal = Extract<Verification, { ok: false }>;
type OwnerOf = (lookup: CandidateLookup, request: InboundRequest) => Promise<Owner | Refusal>;

/** Who an old-shape URL (?secret=MAILCHIMP_WEBHOOK_SECRET&workspace=<id>) delivers for, or why it is refused. */
async function legacyOwner(lookup: CandidateLookup, request: InboundRequest): Promise<Owner | Refusal> {
  const secret = request.url.searchParams.get("secret");
  if (!secret) return { ok: false, verdict: "missing", reason: MISSING_SECRET };
  if (!config().MAILCHIMP_WEBHOOK_SECRET) {
    return { ok: false, verdict: "invalid", reason: "This Mailchimp webhook URL has no connection in it: copy the URL from the Mailchimp connection's card" };
  }
  const workspaceParam = request.url.searchParams.get("workspace")?.slice(0, 64);
  const workspaceId = workspaceParam && (await lookup.workspaceExists(workspaceParam)) ? workspaceParam : null;
  if (!mailchimpSecretMatches(secret)) return { ok: false, verdict: "invalid", reason: "Wrong secret in the Mailchimp webhook URL", workspaceId };
  if (!workspaceId) return { ok: false, verdict: "invalid", reason: "The Mailchimp webhook URL must name an existing workspace (?workspace=<id>)" };
  return { ok: true, workspaceId, connectionId: null };
}

/** Who a connection's own URL (/api/webhooks/mailchimp/<connectionId>?secret=…) delivers for: that connection's workspace, never the query's. */
async function connectionOwner(lookup: CandidateLookup, request: InboundRequest): Promise<Owner | Refusal> {
  const secret = request.url.searchParams.get("secret");
  if (!secret) return { ok: false, verdict: "missing", reason: MISSING_SECRET };
  const candidate = await lookup.byId(request.params.connectionId!.slice(0, 64));
  if (!candidate) return { ok: false, verdict: "invalid", reason: "No connected Mailchimp connection has this id" };
  const owner = { workspaceId: candidate.workspaceId, connectionId: candidate.connectionId };
  if (!urlSecretMatches(secret, await lookup.urlSecret(candidate.connectionId))) {
    return { ok: false, verdict: "invalid", reason: "Wrong secret in the Mailchimp webhook URL: copy the URL from the Mailchimp connection's card", ...owner };
  }
  return { ok: true, ...owner };
}

/** Checks a delivery's URL (through `ownerOf`) and age, and reads its form body. */
async function verifyMailchimpDelivery(ownerOf: OwnerOf, lookup: CandidateLookup, request: InboundRequest): Promise<Verification> {
  const owner = await ownerOf(lookup, request);
  if (!owner.ok) return owner;
  const { workspaceId, connectionId } = owner;
  const refused = (verdict: "invalid" | "stale", reason: string): Verification => ({ ok: false, verdict, reason, workspaceId, connectionId });

  const form = parseNestedForm(request.rawBody);
  const type = typeof form.type === "string" ? form.type : "";
  if (!type) return refused("invalid", "Not a Mailchimp webhook body: no type");
  const firedAt = parseFiredAt(form.fired_at);
  if (!firedAt) return refused("invalid", "Not a Mailchimp webhook body: fired_at missing or not YYYY-MM-DD HH:MM:SS");
  const maxAgeSeconds = config().MAILCHIMP_WEBHOOK_MAX_AGE_SECONDS;
  const now = request.receivedAt.getTime();
  if (now - firedAt.getTime() > maxAgeSeconds * 1000) return refused("stale", `fired_at is more than ${maxAgeSeconds} s old: refused as a replay`);
  if (firedAt.getTime() - now > FUTURE_SKEW_MS) return refused("invalid", "fired_at is in the future");
  return { ok: true, delivery: { provider: "mailchimp", workspaceId, connectionId, dedupeKey: bodyHash(request.rawBody), type, payload: form } };
}

/** Mailchimp checks a webhook URL with a GET before saving it: answer 200 when the URL is right. */
async function answerMailchimpValidation(ownerOf: OwnerOf, lookup: CandidateLookup, request: InboundRequest): Promise<InboundAnswer> {
  const owner = await ownerOf(lookup, request);
  if (!owner.ok) return { kind: "refused", status: 401, reason: owner.reason };
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
    "": { verify: (request, lookup) => verifyMailchimpDelivery(legacyOwner, lookup, request), get: (request, lookup) => answerMailchimpValidation(legacyOwner, lookup, request) },
    ":connectionId": {
      verify: (request, lookup) => verifyMailchimpDelivery(connectionOwner, lookup, request),
      get: (request, lookup) => answerMailchimpValidation(connectionOwner, lookup, request),
    },
  },
  interprets: (type) => (MAILCHIMP_EVENT_TYPES as readonly string[]).includes(type),
  interpret,
};
