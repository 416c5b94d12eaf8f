// The events Plugboard raises, with an example payload each. Outgoing webhook subscriptions pick
// from this list (or `*`); the README's event table is generated from it.
export interface EventSpec {
  type: string;
  description: string;
  example: Record<string, unknown>;
}

export const EVENT_CATALOG = [
  {
    type: "connection.connected",
    description: "An integration was connected (or reconnected)",
    example: { providerId: "stripe", connectionId: "cm0abc", accountLabel: "Stripe (test mode)" },
  },
  { type: "connection.disconnected", description: "An integration was disconnected and its credentials wiped", example: { providerId: "stripe", connectionId: "cm0abc" } },
  {
    type: "connection.error",
    description: "A provider call failed in a way that needs attention",
    example: { providerId: "sendgrid", connectionId: "cm0abc", category: "transient", message: "Provider answered 503" },
  },
  {
    type: "connection.needs_reauth",
    description: "The provider refused the stored credentials; the admin must reconnect",
    example: { providerId: "google-calendar", connectionId: "cm0abc", reason: "invalid_grant" },
  },
  {
    type: "connection.unhealthy",
    description: "An integration's health check turned unhealthy",
    example: { providerId: "odoo", connectionId: "cm0abc", reasons: ["High error rate: 23.0%"] },
  },
  { type: "connection.recovered", description: "An unhealthy integration is healthy again", example: { providerId: "odoo", connectionId: "cm0abc" } },
  {
    type: "sync.completed",
    description: "A sync run finished",
    example: { providerId: "google-calendar", connectionId: "cm0abc", processed: 42, created: 3, updated: 5, deleted: 1 },
  },
  { type: "sync.failed", description: "A sync run failed", example: { providerId: "odoo", connectionId: "cm0abc", message: "Odoo fault: Access Denied" } },
  {
    type: "booking.created",
    description: "A booking's calendar event was created",
    example: { bookingReference: "BK-1042", providerId: "google-calendar", eventId: "evt_1", start: "2026-12-01T10:00:00Z", end: "2026-12-01T11:00:00Z" },
  },
  { type: "booking.updated", description: "A booking's calendar event changed", example: { bookingReference: "BK-1042", eventId: "evt_1" } },
  { type: "booking.cancelled", description: "A booking's calendar event was deleted", example: { bookingReference: "BK-1042", eventId: "evt_1" } },
  { type: "contact.created", description: "A contact was created from a Mailchimp event", example: { email: "ada@example.com", status: "subscribed", source: "mailchimp" } },
  { type: "contact.updated", description: "A contact changed from a Mailchimp event", example: { email: "ada@example.com", status: "unsubscribed", source: "mailchimp" } },
  { type: "payment.succeeded", description: "A Stripe payment intent succeeded", example: { paymentIntentId: "pi_123", amount: 4900, currency: "eur", registrationId: "cm0reg" } },
  {
    type: "payment.failed",
    description: "A Stripe payment intent failed",
    example: { paymentIntentId: "pi_123", amount: 4900, currency: "eur", message: "Your card was declined." },
  },
  { type: "message.received", description: "An SMS arrived through Twilio", example: { from: "+15551234567", to: "+15557654321", body: "Yes, see you then", messageSid: "SM123" } },
  { type: "lead.exported", description: "A lead was created in Odoo", example: { leadId: "cm0lead", odooLeadId: 1234, email: "ada@example.com" } },
  {
    type: "endpoint.disabled",
    description: "An outgoing webhook endpoint was disabled after failing",
    example: { endpointId: "cm0ep", url: "https://hooks.example.com/plugboard", reason: "every attempt has failed for 5 days" },
  },
] as const satisfies readonly EventSpec[];

export type EventType = (typeof EVENT_CATALOG)[number]["type"];

export const EVENT_TYPES: readonly EventType[] = EVENT_CATALOG.map((e) => e.type);

export function isEventType(value: string): value is EventType {
  return (EVENT_TYPES as readonly string[]).includes(value);
}
