// Request bodies and queries of /api/webhook-endpoints/**, validated with zod so every mistake
// comes back as a 400 naming the field.
import { z } from "zod";
import { EVENT_TYPES } from "@/lib/webhooks-out/catalog";
import { RESERVED_HEADERS } from "@/lib/webhooks-out/signing";
import { URL_MAX_LENGTH } from "@/lib/http/url-rules";

export const ALL_EVENTS = "*";
export const MAX_HEADERS = 20;
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/;

const name = z.string({ error: "name must be a string" }).trim().min(1, "Give the endpoint a name").max(100, "name is at most 100 characters");
const url = z.string({ error: "url must be a string" }).trim().min(1, "Enter the URL that receives the events").max(URL_MAX_LENGTH, `url is at most ${URL_MAX_LENGTH} characters`);

const events = z
  .array(z.string({ error: "Each event is a string" }), { error: `events must be a list of event types, or ["${ALL_EVENTS}"] for all` })
  .min(1, `Pick at least one event, or "${ALL_EVENTS}" for all`)
  .max(EVENT_TYPES.length + 1)
  .superRefine((list, ctx) => {
    const unknown = list.filter((e) => e !== ALL_EVENTS && !(EVENT_TYPES as readonly string[]).includes(e));
    if (unknown.length)
      ctx.addIssue({ code: "custom", message: `Unknown event type${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}; the catalog is in GET /api/webhook-endpoints` });
  })
  // `*` covers everything; otherwise a sorted list without repeats.
  .transform((list) => (list.includes(ALL_EVENTS) ? [ALL_EVENTS] : [...new Set(list)].sort()));

const headerValue = z
  .string({ error: "A header value is a string" })
  .max(2000, "A header value is at most 2000 characters")
  .refine((v) => !/[\r\n\0]/.test(v), "A header value cannot contain line breaks");

function headerRecord<V extends z.ZodType>(value: V) {
  return z.record(z.string(), value, { error: "headers must be an object of header names to values" }).superRefine((headers, ctx) => {
    const names = Object.keys(headers);
    if (names.length > MAX_HEADERS) ctx.addIssue({ code: "custom", message: `At most ${MAX_HEADERS} custom headers` });
    for (const n of names) {
      if (!HEADER_NAME.test(n)) ctx.addIssue({ code: "custom", path: [n], message: "Not a valid header name" });
      else if (RESERVED_HEADERS.has(n.toLowerCase())) ctx.addIssue({ code: "custom", path: [n], message: "Plugboard sets this header itself" });
    }
    const lower = names.map((n) => n.toLowerCase());
    if (new Set(lower).size !== lower.length) ctx.addIssue({ code: "custom", message: "A header name appears twice (names are case-insensitive)" });
  });
}

export const createEndpointSchema = z.strictObject({
  name,
  url,
  events,
  headers: headerRecord(headerValue).default({}),
  /** Create it paused (nothing is sent until it is resumed). */
  status: z.enum(["active", "paused"], "status is active or paused").default("active"),
});
export type CreateEndpointInput = z.infer<typeof createEndpointSchema>;

export const updateEndpointSchema = z
  .strictObject({
    name: name.optional(),
    url: url.optional(),
    events: events.optional(),
    /** Sets or replaces the named headers; null removes one; names left out keep their value. */
    headers: headerRecord(headerValue.nullable()).optional(),
    /** active (also re-enables a disabled endpoint) or paused. */
    status: z.enum(["active", "paused"], "status is active or paused").optional(),
  })
  .refine((b) => Object.keys(b).length > 0, "Send at least one of name, url, events, headers, status");
export type UpdateEndpointInput = z.infer<typeof updateEndpointSchema>;

const blank = (v: unknown) => (v === "" ? undefined : v);

export const deliveriesQuerySchema = z.object({
  page: z.preprocess(blank, z.coerce.number().int("page must be a whole number").min(1, "page starts at 1").max(100_000).default(1)),
  pageSize: z.preprocess(blank, z.coerce.number().int("pageSize must be a whole number").min(1).max(100, "pageSize is at most 100").default(20)),
  status: z.preprocess(blank, z.enum(["pending", "succeeded", "failed"], "status is one of pending, succeeded, failed").optional()),
});
export type DeliveriesQuery = z.infer<typeof deliveriesQuerySchema>;

export const resendFailedSchema = z.strictObject({
  since: z
    .string({ error: "since is a date-time such as 2026-11-21T10:00:00Z" })
    .refine((v) => !Number.isNaN(Date.parse(v)), "since must be a date-time such as 2026-11-21T10:00:00Z")
    .transform((v) => new Date(v)),
});
