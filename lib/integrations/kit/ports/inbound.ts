// The inbound webhook port (a manifest's `inbound` slot): how a provider's webhook deliveries are
// verified, and what a stored delivery means in Plugboard's own terms. The webhook core
// (lib/webhooks-in) routes, stores, deduplicates and schedules; business code (payments, SMS,
// contacts) acts on the provider-neutral changes this port reads out of an event — so neither
// side names the other. Providers never touch the database or the HTTP layer: the core hands them
// the request as data and the candidate connections through a lookup, and they answer with data.
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** How a delivery's signature (or URL secret) was judged. */
export type SignatureVerdict = "verified" | "missing" | "invalid" | "stale";
/** Where a stored event stands (the inbound store's states). */
export type InboundState = "received" | "processing" | "processed" | "failed" | "ignored" | "rejected";

/** A connection a delivery may belong to, with its fields (settings and decrypted secrets). Never log it. */
export interface CandidateConnection {
  connectionId: string;
  workspaceId: string;
  fields: Record<string, string>;
  /** The connection's other settings (what an OAuth grant learned, …). */
  settings: Record<string, unknown>;
}

/** How a verifier finds candidate connections of its own provider (live ones, with credentials) without a database handle. */
export interface CandidateLookup {
  byId(connectionId: string): Promise<CandidateConnection | null>;
  /** Every live connection of the provider; `fresh` skips the few-second cache (retry with it before refusing). */
  all(options?: { fresh?: boolean }): Promise<{ candidates: CandidateConnection[]; fromCache: boolean }>;
  /** Live connections whose non-secret field `name` equals `value` (the account a callback names), oldest first; not cached. */
  withField(name: string, value: string): Promise<CandidateConnection[]>;
  /** Whether a workspace with this id exists (for providers whose URL names the workspace). */
  workspaceExists(workspaceId: string): Promise<boolean>;
  /** The secret of a connection's own webhook URL (the manifest's `connectionWebhookPath`), or null when none was issued. Never log it. */
  urlSecret(connectionId: string): Promise<string | null>;
}

/** A delivery whose signature checked out, ready to be stored. */
export interface VerifiedDelivery {
  provider: string;
  workspaceId: string;
  connectionId: string | null;
  /** The provider's event id, or `sha256:<hash of the body>` where the provider has none. */
  dedupeKey: string;
  type: string;
  payload: JsonObject;
}

/** A refused delivery: only this metadata is recorded (never the body). */
export interface RefusedDelivery {
  verdict: Exclude<SignatureVerdict, "verified">;
  /** Why, in words a person can act on; never contains a secret. */
  reason: string;
  /** Known when the URL or the claimed account pointed at one workspace. */
  workspaceId?: string | null;
  connectionId?: string | null;
}

export type Verification = { ok: true; delivery: VerifiedDelivery } | ({ ok: false } & RefusedDelivery);

/** What the webhook route answers on: the stored row, and whether it was seen before. */
export interface Receipt {
  eventId: string;
  duplicate: boolean;
  state: InboundState;
}

/** A stored event as the port reads it. */
export interface StoredEvent {
  id: string;
  workspaceId: string;
  connectionId: string | null;
  provider: string;
  type: string;
  payload: JsonValue;
  receivedAt: Date;
}

/** A delivery as the core hands it to an endpoint: plain data, already read within the body size limit. */
export interface InboundRequest {
  method: "GET" | "POST";
  /** The URL this server received (its query carries Mailchimp's secret and workspace). */
  url: URL;
  /** The URL the provider called: PUBLIC_URL with this request's path and query (what Twilio signs). */
  publicUrl: string;
  headers: Headers;
  /** The raw body ("" for a GET): signatures are computed over it, so it is never re-serialised. */
  rawBody: string;
  /** Values of the endpoint key's `:name` segments (Stripe's connection id). */
  params: Record<string, string>;
  /** When the request arrived (replay windows are measured from it). */
  receivedAt: Date;
}

/**
 * An answer the core sends as given: JSON, text (Twilio's TwiML), or a refusal, which goes out as
 * `{ "error": reason }` with its status like every other API error.
 */
export type InboundAnswer =
  | { kind: "json"; status: number; body: JsonValue }
  | { kind: "text"; status: number; body: string; contentType: string }
  | { kind: "refused"; status: 400 | 401 | 403; reason: string };

/** One URL of a provider's webhooks. */
export interface InboundEndpoint {
  /** Checks a POSTed delivery against its raw body. A bad signature is a refusal (data), never a throw. */
  verify(request: InboundRequest, lookup: CandidateLookup): Promise<Verification>;
  /** The acknowledgement; JSON `{ received, id, duplicate }` when absent. */
  answer?(receipt: Receipt): InboundAnswer;
  /** Answers a GET to this URL, for providers that check a URL before saving it (Mailchimp). Absent: GET is 405. */
  get?(request: InboundRequest, lookup: CandidateLookup): InboundAnswer | Promise<InboundAnswer>;
}

// ---------------------------------------------------------------------------------------------
// Changes: what an event means, in Plugboard's terms. Each kind is `<domain>.<what>`; the domain
// says which business module acts on it (payment → lib/payments, message → lib/sms, contact →
// lib/contacts). Amounts are in minor units; metadata is the string pairs the provider kept.

/** A payment intent reached a final outcome at the provider. */
export interface PaymentIntentOutcome {
  kind: "payment.intent_outcome";
  intentId: string;
  amount: number;
  currency: string;
  /** What was received (the full amount unless the provider says otherwise). */
  amountReceived: number;
  metadata: Record<string, string>;
  outcome: "succeeded" | "failed";
  /** The provider's reason for a failure, when it gave one. */
  error: string | null;
}

/** Money went back on a payment intent (partly or fully). */
export interface PaymentRefund {
  kind: "payment.refund";
  intentId: string;
  amount: number;
  currency: string;
  /** The total refunded so far (not the increment). */
  amountRefunded: number;
  fullyRefunded: boolean;
  metadata: Record<string, string>;
}

/** The provider reports a sent message's delivery status. */
export interface MessageStatusChange {
  kind: "message.status";
  /** The provider's message id. */
  sid: string;
  status: string;
  errorCode: number | null;
  errorMessage: string | null;
}

/** A text message arrived at one of the connection's numbers. */
export interface MessageReceived {
  kind: "message.received";
  sid: string;
  from: string;
  to: string;
  body: string;
}

/** What a marketing provider says about one address. */
export interface ContactFacts {
  /** As the provider sent it (trimmed); the contacts module normalises it. */
  email: string;
  name?: string;
  /** Fields beyond the address (merge fields), as the provider sent them. */
  mergeFields?: JsonObject;
  /** The provider's list (audience) the event concerns. */
  listId?: string;
  /** When it happened at the provider (its own timestamp, else when the delivery arrived). */
  at: Date;
}

export type ContactChange =
  | ({ kind: "contact.subscribed" } & ContactFacts)
  | ({ kind: "contact.unsubscribed" } & ContactFacts)
  | ({ kind: "contact.profile_updated" } & ContactFacts)
  /** The address bounced (hard) or was otherwise cleaned from the list. */
  | ({ kind: "contact.cleaned" } & ContactFacts)
  | { kind: "contact.email_changed"; oldEmail: string; newEmail: string; listId?: string; at: Date };

export type InboundChange = PaymentIntentOutcome | PaymentRefund | MessageStatusChange | MessageReceived | ContactChange;
export type InboundChangeKind = InboundChange["kind"];
export type ChangeOf<K extends InboundChangeKind> = Extract<InboundChange, { kind: K }>;

/** The stored event a change was read from, as business code sees it. */
export interface ChangeOrigin {
  eventId: string;
  workspaceId: string;
  connectionId: string | null;
  /** The provider's id, e.g. recorded as the source of a contact. */
  provider: string;
  receivedAt: Date;
}

/** The `inbound` slot. */
export interface InboundPort {
  /**
   * The provider's webhook URLs below /api/webhooks/<provider id>, by sub-path: "" for the base URL,
   * "status" for /api/webhooks/<id>/status; a segment written `:name` matches any one segment and
   * hands it to verify as `params.name`. Exact keys win over `:name` keys.
   */
  endpoints: Record<string, InboundEndpoint>;
  /** Whether events of this type mean something: they are processed (interpret is called); others are stored as `ignored`. */
  interprets(type: string): boolean;
  /**
   * Reads a stored event of a type it interprets into changes — none for a type it only records
   * (Mailchimp's campaign). Throws when the payload cannot be read: the event fails with that
   * message and is retried like any processing failure.
   */
  interpret(event: StoredEvent): InboundChange[];
}
