// The OAuth `state` and its PKCE verifier. A state is random (256 bits), stored only as a hash,
// single use, valid for 10 minutes, and bound to the admin who started the flow, their workspace
// and their browser (a cookie whose hash is stored with the state). The verifier is sealed by the
// vault; the provider only ever sees its S256 challenge.
import crypto from "node:crypto";
import type { Db } from "@/lib/db/client";
import type { SessionUser } from "@/lib/auth/session";
import { seal, unseal } from "@/lib/vault";

export const STATE_TTL_MS = 10 * 60_000;

export const randomToken = (bytes = 32) => crypto.randomBytes(bytes).toString("base64url");
export const sha256 = (value: string) => crypto.createHash("sha256").update(value).digest("base64url");
/** RFC 7636 S256: BASE64URL(SHA256(ASCII(code_verifier))). */
export const codeChallengeS256 = (verifier: string) => sha256(verifier);

// The vault binds a blob to a workspace and a connection; a state has no connection, so its own hash stands in.
const verifierOwner = (workspaceId: string, stateHash: string) => ({ workspaceId, connectionId: `oauth-state:${stateHash}` });

export interface NewState {
  state: string;
  /** The value of the browser-binding cookie. */
  binding: string;
  codeChallenge: string;
}

export async function createState(db: Db, input: { user: SessionUser; providerId: string; redirectUri: string; scopes: string[]; now?: Date }): Promise<NewState> {
  const now = input.now ?? new Date();
  const state = randomToken();
  const binding = randomToken();
  // 43–128 characters from the unreserved set (RFC 7636 §4.1): 64 random bytes → 86 base64url characters.
  const codeVerifier = randomToken(64);
  const stateHash = sha256(state);
  const sealed = seal({ codeVerifier }, verifierOwner(input.user.workspaceId, stateHash));
  // Spent and expired states are useless: drop them on the way (cheap, indexed).
  await db.oAuthState.deleteMany({ where: { expiresAt: { lt: new Date(now.getTime() - STATE_TTL_MS) } } });
  await db.oAuthState.create({
    data: {
      stateHash,
      workspaceId: input.user.workspaceId,
      userId: input.user.userId,
      providerId: input.providerId,
      bindingHash: sha256(binding),
      verifierCiphertext: sealed.ciphertext,
      keyId: sealed.keyId,
      redirectUri: input.redirectUri,
      scopes: input.scopes,
      expiresAt: new Date(now.getTime() + STATE_TTL_MS),
    },
  });
  return { state, binding, codeChallenge: codeChallengeS256(codeVerifier) };
}

export type StateProblem = "missing" | "unknown" | "used" | "expired" | "other_session" | "other_provider";

export class OAuthStateError extends Error {
  constructor(readonly problem: StateProblem) {
    super(STATE_MESSAGES[problem]);
    this.name = "OAuthStateError";
  }
}

export const STATE_MESSAGES: Record<StateProblem, string> = {
  missing: "The provider sent the browser back without the state this sign-in needs.",
  unknown: "This sign-in link is not one Plugboard started.",
  used: "This sign-in link was already used.",
  expired: "This sign-in link expired (they are valid for 10 minutes).",
  other_session: "This sign-in was started by another session, so it cannot be finished here.",
  other_provider: "This sign-in was started for another integration.",
};

export interface ClaimedState {
  codeVerifier: string;
  redirectUri: string;
  scopes: string[];
}

/**
 * Spends a state: refused (OAuthStateError) when unknown, expired, used, or not this user's,
 * workspace's and browser's. The checks come before the spend, so someone else's attempt cannot
 * burn the admin's state; the spend itself is a conditional UPDATE, so only one callback wins.
 */
export async function claimState(
  db: Db,
  input: { providerId: string; state: string | undefined; binding: string | undefined; user: SessionUser; now?: Date },
): Promise<ClaimedState> {
  const now = input.now ?? new Date();
  if (!input.state) throw new OAuthStateError("missing");
  const stateHash = sha256(input.state);
  const row = await db.oAuthState.findUnique({ where: { stateHash } });
  if (!row) throw new OAuthStateError("unknown");
  if (row.usedAt) throw new OAuthStateError("used");
  if (row.expiresAt.getTime() <= now.getTime()) throw new OAuthStateError("expired");
  // Comparing hashes: nothing about the stored value leaks through the comparison's timing.
  const sameBrowser = !!input.binding && sha256(input.binding) === row.bindingHash;
  if (row.userId !== input.user.userId || row.workspaceId !== input.user.workspaceId || !sameBrowser) throw new OAuthStateError("other_session");
  if (row.providerId !== input.providerId) throw new OAuthStateError("other_provider");
  const spent = await db.oAuthState.updateMany({ where: { id: row.id, usedAt: null }, data: { usedAt: now } });
  if (spent.count !== 1) throw new OAuthStateError("used");
  const { codeVerifier } = unseal({ ciphertext: row.verifierCiphertext, keyId: row.keyId }, verifierOwner(row.workspaceId, stateHash));
  return { codeVerifier: codeVerifier!, redirectUri: row.redirectUri, scopes: row.scopes };
}
