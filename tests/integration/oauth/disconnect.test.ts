// Disconnecting an OAuth connection: the grant is revoked at the provider where it can be (Google,
// X, LinkedIn), the local credentials are always wiped, and a failing revoke never stops that.
import { describe, expect, it } from "vitest";
import { resetConfig } from "@/lib/config";
import { disconnect } from "@/lib/connections/api-key";
import { refreshDueTokens } from "@/lib/connections/oauth/refresh";
import { OAUTH_CLIENTS } from "@/tests/fakes/oauth";
import { storedTokens } from "@/tests/helpers/oauth";
import { signedIn, useHarness } from "../integrations/setup";
import { connectThroughFake } from "./helpers";

const h = useHarness();

async function connected(providerId: string) {
  const user = await signedIn(h.t.db);
  expect((await connectThroughFake(h.fakes.oauth, user, providerId)).ok).toBe(true);
  const row = await h.t.db.connection.findFirstOrThrow({ where: { workspaceId: user.workspaceId, providerId } });
  return { user, row, tokens: (await storedTokens(h.t.db, row.id))! };
}

async function expectWiped(connectionId: string) {
  expect(await h.t.db.credential.count({ where: { connectionId } })).toBe(0);
  const row = await h.t.db.connection.findUniqueOrThrow({ where: { id: connectionId } });
  expect(row).toMatchObject({ status: "disconnected", accountLabel: null, refreshable: false, needsReauth: false, expiresAt: null });
  expect(row.settings).not.toHaveProperty("oauth");
}

describe("disconnect an OAuth connection", () => {
  it("revokes Google's grant, wipes the tokens, audits and answers the card's status", async () => {
    const { user, row, tokens } = await connected("google-calendar");
    const answer = await disconnect(user, { providerId: "google-calendar" });
    expect(answer).toMatchObject({ ok: true, revoke: "revoked", status: { connected: false, status: "inactive" } });
    const revoke = h.fakes.oauth.requests.filter((r) => r.path === "/google/revoke");
    expect(revoke).toHaveLength(1);
    expect(revoke[0]!.query.token).toBe(tokens.refreshToken);
    expect(h.fakes.oauth.isRefreshTokenValid(tokens.refreshToken!)).toBe(false);
    await expectWiped(row.id);
    const audit = await h.t.db.auditLog.findFirstOrThrow({ where: { workspaceId: user.workspaceId, action: "integration.disconnect" } });
    expect(audit.details).toMatchObject({ providerId: "google-calendar", revoke: "revoked" });
    // Connect again works.
    expect((await connectThroughFake(h.fakes.oauth, user, "google-calendar")).ok).toBe(true);
  });

  it("revokes both of X's tokens with basic client auth", async () => {
    const { user, tokens } = await connected("x");
    expect((await disconnect(user, { providerId: "x" })).revoke).toBe("revoked");
    const revokes = h.fakes.oauth.requests.filter((r) => r.path === "/x/2/oauth2/revoke");
    expect(revokes.map((r) => new URLSearchParams(r.body).get("token_type_hint"))).toEqual(["access_token", "refresh_token"]);
    expect(revokes.map((r) => new URLSearchParams(r.body).get("token"))).toEqual([tokens.accessToken, tokens.refreshToken]);
    expect(Buffer.from(revokes[0]!.headers.authorization!.replace(/^Basic /, ""), "base64").toString()).toBe(`${OAUTH_CLIENTS.x.clientId}:${OAUTH_CLIENTS.x.clientSecret}`);
  });

  it("still disconnects locally when the provider's revoke fails", async () => {
    const { user, row, tokens } = await connected("google-calendar");
    h.fakes.oauth.failNext({ status: 500, body: { error: "internal_failure" } }, 5);
    const answer = await disconnect(user, { providerId: "google-calendar" });
    expect(answer).toMatchObject({ ok: true, revoke: "failed", status: { connected: false } });
    await expectWiped(row.id);
    // The provider still has the grant (the revoke did not get through): the admin sees it in the audit.
    expect(h.fakes.oauth.isRefreshTokenValid(tokens.refreshToken!)).toBe(true);
    expect((await h.t.db.auditLog.findFirstOrThrow({ where: { action: "integration.disconnect" } })).details).toMatchObject({ revoke: "failed" });
  });

  it("still disconnects locally when the provider cannot be reached", async () => {
    const { user, row } = await connected("x");
    const saved = process.env.X_OAUTH_REVOKE_URL;
    process.env.X_OAUTH_REVOKE_URL = "http://127.0.0.1:1/2/oauth2/revoke";
    resetConfig();
    try {
      expect(await disconnect(user, { providerId: "x" })).toMatchObject({ ok: true, revoke: "failed" });
    } finally {
      process.env.X_OAUTH_REVOKE_URL = saved;
      resetConfig();
    }
    await expectWiped(row.id);
  });

  it("forgets Microsoft's tokens (it has no revocation endpoint) and Mailchimp's", async () => {
    for (const providerId of ["outlook-calendar", "mailchimp"]) {
      const { user, row } = await connected(providerId);
      expect((await disconnect(user, { providerId: providerId })).revoke).toBe("not_supported");
      await expectWiped(row.id);
    }
  });

  it("leaves a disconnected connection out of the token refresh", async () => {
    const { user, row } = await connected("x");
    await disconnect(user, { providerId: "x" });
    await h.t.db.connection.update({ where: { id: row.id }, data: { expiresAt: new Date(Date.now() - 60_000) } });
    expect((await refreshDueTokens()).processed).toBe(0);
    expect(h.fakes.oauth.tokenRequests("x", "refresh_token")).toHaveLength(0);
  });
});
