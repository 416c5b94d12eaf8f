// The address rules (lib/http/url-rules) for providers whose SDK opens its own sockets to an
// address an admin typed: the endpoint's form is checked when a client is made, and every
// connection resolves through a lookup that refuses what the rules refuse.
import type { LookupFunction } from "node:net";
import { checkUrlShape, configuredUrlPolicy, guardedLookup, type UrlPolicy } from "@/lib/http/url-rules";

export { UrlRefusedError } from "@/lib/http/url-rules";

export interface GuardedNetwork {
  policy: UrlPolicy;
  /** For http.Agent / https.Agent `lookup`. */
  lookup: LookupFunction;
}

/** The rules in force now, and a lookup that obeys them; throws UrlRefusedError for an endpoint whose form they refuse. */
export function guardedNetwork(endpoint: string | null): GuardedNetwork {
  const policy = configuredUrlPolicy();
  if (endpoint) checkUrlShape(endpoint, policy);
  return { policy, lookup: guardedLookup(policy) };
}
