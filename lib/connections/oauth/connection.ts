// The OAuth side of the generic connection actions (lib/integrations/connections.ts): testing a
// stored grant, and giving it back to the provider before the local credentials are wiped.
import type { Db } from "@/lib/db/client";
import type { TestOutcome } from "@/lib/integrations/kit/manifest";
import { withAccessToken } from "@/lib/connections/oauth/access";
import { requireOAuthProvider, resolveOAuth } from "@/lib/connections/oauth/setup";
import { readTokens } from "@/lib/connections/oauth/tokens";
import { callProvider, type CallResult } from "@/lib/pipeline";

/** Reads the account with the stored token (refreshing it when needed): the live test of an OAuth connection. */
export async function testOAuthConnection(caller: { workspaceId: string; actor: string }, connection: { id: string; providerId: string }): Promise<CallResult<TestOutcome>> {
  const { module, client } = await resolveOAuth(requireOAuthProvider(connection.providerId));
  const result = await withAccessToken(
    { workspaceId: caller.workspaceId, connectionId: connection.id, providerId: connection.providerId, operation: "connection.test", actor: caller.actor },
    (token, signal) => module.identify(client, { accessToken: token.accessToken, expiresAt: token.expiresAt, grantedScopes: null }, signal),
    { classify: (e) => module.classifyError(e) },
  );
  return result.ok ? { ...result, value: { accountLabel: result.value.label, accountId: result.value.accountId } } : result;
}

export type RevokeResult = "revoked" | "failed" | "not_supported" | "nothing_to_revoke";

/**
 * Revokes the stored grant at the provider where it can (Google, X, LinkedIn). Never throws: a
 * disconnect always goes ahead, whatever the provider says.
 */
export async function revokeStoredGrant(db: Db, row: { id: string; workspaceId: string; providerId: string; authType: string }, actor: string): Promise<RevokeResult> {
  if (row.authType !== "oauth2") return "nothing_to_revoke";
  try {
    const { module, client } = await resolveOAuth(requireOAuthProvider(row.providerId));
    if (!module.revoke) return "not_supported";
    const tokens = await readTokens(db, { workspaceId: row.workspaceId, connectionId: row.id });
    if (!tokens) return "nothing_to_revoke";
    const revoke = module.revoke.bind(module);
    const result = await callProvider(
      { workspaceId: row.workspaceId, connectionId: row.id, providerId: row.providerId, operation: "token.revoke", actor },
      (signal) => revoke(client, tokens, signal),
      // The admin is waiting for the disconnect: one retry at most.
      { maxAttempts: 2, classify: (e) => module.classifyError(e), db },
    );
    return result.ok ? "revoked" : "failed";
  } catch {
    // Not configured any more, undecryptable credential…: nothing to give back that we can reach.
    return "failed";
  }
}
