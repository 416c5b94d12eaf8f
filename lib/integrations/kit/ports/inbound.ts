// The inbound webhook port (a manifest's `inbound` slot): how a provider's webhook deliveries are
// verified, and what a stored delivery means in Plugboard's own terms. The webhook core
// (lib/webhooks-in) stores, deduplicates and schedules; business code (payments, SMS, contacts)
// acts on the provider-neutral changes this port reads out of an event — so neither side names
// the other. Providers never touch the database: the core hands them the candidate connections.
//
// OWNED BY THE INBOUND RESTRUCTURE (see lib/webhooks-in): shapes here may still change.
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A connection a delivery may belong to, with its fields (settings and decrypted secrets). Never log it. */
export interface CandidateConnection {
  connectionId: string;
  workspaceId: string;
  fields: Record<string, string>;
  /** The connection's other settings (what an OAuth grant learned, …). */
  settings: Record<string, unknown>;
}

/** How a verifier finds candidate connections of its provider without a database handle. */
export interface CandidateLookup {
  byId(connectionId: string): Promise<CandidateConnection | null>;
  /** Every live connection of the provider; `fresh` skips the few-second cache. */
  all(options?: { fresh?: boolean }): Promise<{ candidates: CandidateConnection[]; fromCache: boolean }>;
}

/** Placeholder until the inbound restructure lands: a provider's webhook verification and reading of events. */
export interface InboundPort {
  readonly provider: string;
}
