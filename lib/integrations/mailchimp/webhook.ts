// Mailchimp audience webhooks. Mailchimp does not sign its deliveries: the URL it calls carries a
// secret (?secret=MAILCHIMP_WEBHOOK_SECRET, compared in constant time) and the workspace
// (?workspace=<id>). Replays are refused by the age of `fired_at` and by deduplication on a hash
// of the body. Bodies are form-encoded: type=subscribe&fired_at=2026-11-21 10:00:00&data[email]=…
//
// URL to register in Mailchimp (Audience → Settings → Webhooks):
//   https://<PUBLIC_URL>/api/webhooks/mailchimp?secret=<MAILCHIMP_WEBHOOK_SECRET>&workspace=<workspace id>
// (`/api/mailchimp/webhooks` answers the same, as an alias.)
import crypto from "node:crypto";
import { config } from "@/lib/config";
import { getDb, type Db } from "@/lib/db/client";
import { ApiError, json } from "@/lib/http/api";
import type { WebhookEndpoint } from "@/lib/webhooks-in/route";
import type { Verification } from "@/lib/webhooks-in/types";

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
export async function verifyMailchimpDelivery(db: Db, request: Request, rawBody: string, now = new Date()): Promise<Verification> {
  const url = new URL(request.url);
  const secret = url.searchParams.get("secret");
  if (!secret) return { ok: false, verdict: "missing", reason: "Missing ?secret= in the Mailchimp webhook URL" };
  if (!config().MAILCHIMP_WEBHOOK_SECRET) {
    return { ok: false, verdict: "invalid", reason: "Mailchimp webhooks are off: set MAILCHIMP_WEBHOOK_SECRET on the server and put it in the webhook URL (?secret=…)" };
  }
  const workspaceParam = url.searchParams.get("workspace");
  const workspace = workspaceParam ? await db.workspace.findUnique({ where: { id: workspaceParam.slice(0, 64) }, select: { id: true } }) : null;
  if (!mailchimpSecretMatches(secret)) return { ok: false, verdict: "invalid", reason: "Wrong secret in the Mailchimp webhook URL", workspaceId: workspace?.id ?? null };
  if (!workspace) return { ok: false, verdict: "invalid", reason: "The Mailchimp webhook URL must name an existing workspace (?workspace=<id>)" };

  const form = parseNestedForm(rawBody);
  const type = typeof form.type === "string" ? form.type : "";
  if (!type) return { ok: false, verdict: "invalid", reason: "Not a Mailchimp webhook body: no type", workspaceId: workspace.id };
  const firedAt = parseFiredAt(form.fired_at);
  if (!firedAt) return { ok: false, verdict: "invalid", reason: "Not a Mailchimp webhook body: fired_at missing or not YYYY-MM-DD HH:MM:SS", workspaceId: workspace.id };
  const maxAgeMs = config().MAILCHIMP_WEBHOOK_MAX_AGE_SECONDS * 1000;
  if (now.getTime() - firedAt.getTime() > maxAgeMs) {
    return { ok: false, verdict: "stale", reason: `fired_at is more than ${config().MAILCHIMP_WEBHOOK_MAX_AGE_SECONDS} s old: refused as a replay`, workspaceId: workspace.id };
  }
  if (firedAt.getTime() - now.getTime() > FUTURE_SKEW_MS) {
    return { ok: false, verdict: "invalid", reason: "fired_at is in the future", workspaceId: workspace.id };
  }
  return {
    ok: true,
    delivery: { provider: "mailchimp", workspaceId: workspace.id, connectionId: null, dedupeKey: bodyHash(rawBody), type, payload: form },
  };
}

export const mailchimpEndpoint: WebhookEndpoint = {
  provider: "mailchimp",
  verify: async (request, rawBody) => verifyMailchimpDelivery(await getDb(), request, rawBody),
};

/** Mailchimp checks a webhook URL with a GET before saving it: answer 200 when the secret is right. */
export function answerMailchimpValidation(request: Request): Response {
  const secret = new URL(request.url).searchParams.get("secret");
  if (!secret) throw new ApiError(401, "Missing ?secret= in the Mailchimp webhook URL");
  if (!mailchimpSecretMatches(secret)) throw new ApiError(401, "Wrong secret in the Mailchimp webhook URL");
  return json({ ok: true });
}
