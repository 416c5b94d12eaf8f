// Driving the OAuth flow the way a browser does, against the fake authorization servers: the app's
// start gives the consent URL and the binding cookie, the fake's consent page answers with the
// redirect to the callback, and the app's callback finishes.
import type { SessionUser } from "@/lib/auth/session";
import { completeOAuth, startOAuth, type CallbackOutcome, type CallbackQuery } from "@/lib/connections/oauth/flow";
import type { FakeOAuth } from "@/tests/fakes/oauth";

export interface Started {
  location: string;
  binding: string;
}

/** The query the provider sent back to the callback, as the route would read it. */
export function callbackQuery(redirect: URL): CallbackQuery {
  const q = Object.fromEntries(redirect.searchParams) as Record<string, string>;
  return { code: q.code, state: q.state, error: q.error, error_description: q.error_description };
}

export async function connectThroughFake(
  fake: FakeOAuth,
  user: SessionUser,
  providerId: string,
  choice: { decision?: "allow" | "deny"; scopes?: string[] } = {},
): Promise<CallbackOutcome> {
  const started = await startOAuth(user, providerId);
  const redirect = await fake.consent(started.location, choice);
  return completeOAuth(user, providerId, callbackQuery(redirect), started.binding);
}
