// The OAuth connect flow, end to end against the fake authorization servers, on a real database:
// every provider's consent → callback → sealed tokens; state single use, expiry and binding to the
// admin's session, browser and workspace; PKCE checked by the fake; missing scopes; Google's
// omitted refresh token; declined consent; an unconfigured provider; Mailchimp's API key.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resetConfig } from "@/lib/config";
import { connectApiKey, getConnection, testConnection } from "@/lib/connections/api-key";
import { getProvider } from "@/lib/integrations/registry";
import { integrationStatus } from "@/lib/connections/status";
import { completeOAuth, startOAuth } from "@/lib/connections/oauth/flow";
import { deploymentCatalog } from "@/lib/connections/oauth/setup";
import { codeChallengeS256, OAuthStateError, sha256 } from "@/lib/connections/oauth/state";
import { seal } from "@/lib/vault";
import { MAILCHIMP_API_KEYS, OAUTH_CLIENTS } from "@/tests/fakes/oauth";
import { storedTokens } from "@/tests/helpers/oauth";
import { colleague, rejection, signedIn, useHarness } from "../integrations/setup";
import { callbackQuery, connectThroughFake } from "./helpers";

const h = useHarness();

async function connectionOf(workspaceId: string, providerId: string) {
  return h.t.db.connection.findFirstOrThrow({ where: { workspaceId, providerId } });
}

describe("connect through OAuth", () => {
  const expectations = [
    { id: "google-calendar", label: "ada@plugboard.test", refreshable: true, expires: true },
    { id: "outlook-calendar", label: "ada@contoso.test", refreshable: true, expires: true },
    { id: "mailchimp", label: "Plugboard Test Shop · owner@plugboard.test", refreshable: false, expires: false },
    { id: "linkedin", label: "ada@plugboard.test", refreshable: false, expires: true },
    { id: "x", label: "@plugboard", refreshable: true, expires: true },
  ];
  for (const expected of expectations) {
    it(`connects ${expected.id}: tokens sealed, account read, connection active, audited`, async () => {
      const user = await signedIn(h.t.db);
      const outcome = await connectThroughFake(h.fakes.oauth, user, expected.id);
      expect(outcome).toMatchObject({ ok: true, message: expect.stringContaining(`connected as ${expected.label}`) });
      const row = await connectionOf(user.workspaceId, expected.id);
      expect(row).toMatchObject({ status: "connected", authType: "oauth2", accountLabel: expected.label, needsReauth: false, refreshable: expected.refreshable, tokenVersion: 0 });
      expect(row.expiresAt !== null).toBe(expected.expires);
      expect(row.lastRefreshedAt).toBeInstanceOf(Date);
      const tokens = await storedTokens(h.t.db, row.id);
      expect(tokens?.accessToken).toBeTruthy();
      expect(h.fakes.oauth.isAccessTokenValid(tokens!.accessToken!)).toBe(true);
      expect(Boolean(tokens?.refreshToken)).toBe(expected.refreshable);
      const credential = await h.t.db.credential.findUniqueOrThrow({ where: { connectionId: row.id } });
      expect(credential.ciphertext).not.toContain(tokens!.accessToken!);
      const audit = await h.t.db.auditLog.findMany({ where: { workspaceId: user.workspaceId } });
      expect(audit).toMatchObject([{ action: "integration.connect", target: expected.id, details: { method: "oauth", accountLabel: expected.label } }]);
      expect((await integrationStatus(user.workspaceId))[expected.id]).toMatchObject({ connected: true, status: "active", accountLabel: expected.label });
      // The state is spent.
      expect(await h.t.db.oAuthState.count({ where: { usedAt: null } })).toBe(0);
    });
  }

  it("tests every provider's stored grant by reading the account with its token", async () => {
    const user = await signedIn(h.t.db);
    for (const expected of expectations) {
      await connectThroughFake(h.fakes.oauth, user, expected.id);
      const result = await testConnection(user, { providerId: expected.id });
      expect(result, expected.id).toMatchObject({ ok: true, message: `Connected: ${expected.label}`, status: { status: "active", accountLabel: expected.label } });
    }
    // Mailchimp's metadata call answers with the OAuth scheme; Microsoft's test reads the OIDC userinfo.
    expect(h.fakes.oauth.requests.filter((r) => r.path === "/microsoft/oidc/userinfo")).toHaveLength(1);
  });

  it("asks Google for offline access with consent, incremental scopes and an S256 PKCE challenge the fake verifies", async () => {
    const user = await signedIn(h.t.db);
    const { location } = await startOAuth(user, "google-calendar");
    const url = new URL(location);
    expect(url.origin + url.pathname).toBe(h.fakes.oauth.env.GOOGLE_OAUTH_AUTHORIZE_URL);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      access_type: "offline",
      prompt: "consent",
      include_granted_scopes: "true",
      code_challenge_method: "S256",
      client_id: OAUTH_CLIENTS.google.clientId,
      redirect_uri: "http://localhost:3000/api/integrations/google-calendar/oauth/callback",
    });
    expect(url.searchParams.get("scope")!.split(" ")).toEqual(expect.arrayContaining(["openid", "email", "https://www.googleapis.com/auth/calendar.events"]));
    await connectThroughFake(h.fakes.oauth, user, "google-calendar");
    const [exchange] = h.fakes.oauth.tokenRequests("google", "authorization_code");
    const verifier = new URLSearchParams(exchange!.body).get("code_verifier")!;
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    // The challenge the provider saw is S256 of the verifier sent at the token endpoint.
    const sentChallenge = new URLSearchParams(h.fakes.oauth.requests.find((r) => r.path.endsWith("/decision"))!.body).get("code_challenge");
    expect(sentChallenge).toBe(codeChallengeS256(verifier));
  });

  it("sends an S256 challenge to exactly the providers whose manifest says they take PKCE", async () => {
    const user = await signedIn(h.t.db);
    for (const id of ["google-calendar", "outlook-calendar", "mailchimp", "linkedin", "x"]) {
      const manifest = getProvider(id);
      const url = new URL((await startOAuth(user, id)).location);
      const pkce = manifest?.authType === "oauth2" && manifest.oauth.pkce;
      expect(url.searchParams.get("code_challenge_method"), id).toBe(pkce ? "S256" : null);
      expect(url.searchParams.get("code_challenge")?.length ?? 0, id).toBe(pkce ? 43 : 0);
      expect(url.searchParams.get("state"), id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }
  });

  it("sends X's token request with basic client auth and the PKCE verifier", async () => {
    const user = await signedIn(h.t.db);
    await connectThroughFake(h.fakes.oauth, user, "x");
    const [exchange] = h.fakes.oauth.tokenRequests("x", "authorization_code");
    const basic = Buffer.from(exchange!.headers.authorization!.replace(/^Basic /, ""), "base64").toString();
    expect(basic).toBe(`${OAUTH_CLIENTS.x.clientId}:${OAUTH_CLIENTS.x.clientSecret}`);
    expect(new URLSearchParams(exchange!.body).get("code_verifier")).toBeTruthy();
    expect(new URLSearchParams(exchange!.body).get("client_secret")).toBeNull();
  });

  it("keeps Mailchimp's data centre from the metadata call", async () => {
    const user = await signedIn(h.t.db);
    await connectThroughFake(h.fakes.oauth, user, "mailchimp");
    const row = await connectionOf(user.workspaceId, "mailchimp");
    expect(row.settings).toMatchObject({ oauth: { dc: "us19", apiEndpoint: "https://us19.api.mailchimp.com", accountId: "4242" } });
    const metadata = h.fakes.oauth.requests.find((r) => r.path === "/mailchimp/oauth2/metadata")!;
    expect(metadata.headers.authorization).toMatch(/^OAuth /);
  });
});

describe("the state", () => {
  async function consented(user: Awaited<ReturnType<typeof signedIn>>, providerId = "google-calendar") {
    const started = await startOAuth(user, providerId);
    const redirect = await h.fakes.oauth.consent(started.location);
    return { ...started, query: callbackQuery(redirect) };
  }

  it("is single use: a replayed callback is refused and changes nothing", async () => {
    const user = await signedIn(h.t.db);
    const flow = await consented(user);
    expect((await completeOAuth(user, "google-calendar", flow.query, flow.binding)).ok).toBe(true);
    const before = await connectionOf(user.workspaceId, "google-calendar");
    const replay = await rejection(completeOAuth(user, "google-calendar", flow.query, flow.binding));
    expect(replay).toBeInstanceOf(OAuthStateError);
    expect((replay as OAuthStateError).problem).toBe("used");
    expect(await connectionOf(user.workspaceId, "google-calendar")).toEqual(before);
    // The code was exchanged once only.
    expect(h.fakes.oauth.tokenRequests("google", "authorization_code")).toHaveLength(1);
  });

  it("expires after 10 minutes: refused, nothing stored, no token request", async () => {
    const user = await signedIn(h.t.db);
    const flow = await consented(user);
    const row = await h.t.db.oAuthState.findUniqueOrThrow({ where: { stateHash: sha256(flow.query.state!) } });
    expect(Math.abs(row.expiresAt.getTime() - row.createdAt.getTime() - 10 * 60_000)).toBeLessThan(5_000);
    await h.t.db.oAuthState.update({ where: { id: row.id }, data: { expiresAt: new Date(Date.now() - 1) } });
    const refused = await rejection(completeOAuth(user, "google-calendar", flow.query, flow.binding));
    expect((refused as OAuthStateError).problem).toBe("expired");
    expect(refused.message).toMatch(/expired/);
    expect(await h.t.db.connection.count()).toBe(0);
    expect(h.fakes.oauth.tokenRequests("google")).toHaveLength(0);
  });

  it("is bound to the admin, their browser and their workspace: another session's use is refused and does not burn it", async () => {
    const user = await signedIn(h.t.db);
    const otherAdmin = await colleague(h.t.db, user, "admin");
    const stranger = await signedIn(h.t.db, "admin", "Other workspace");
    const flow = await consented(user);
    for (const [who, binding] of [
      [otherAdmin, flow.binding],
      [stranger, flow.binding],
      [user, undefined],
      [user, "a-cookie-from-another-browser"],
    ] as const) {
      const refused = await rejection(completeOAuth(who, "google-calendar", flow.query, binding));
      expect((refused as OAuthStateError).problem).toBe("other_session");
    }
    expect(await h.t.db.connection.count()).toBe(0);
    expect(h.fakes.oauth.tokenRequests("google")).toHaveLength(0);
    // The admin who started it can still finish.
    expect((await completeOAuth(user, "google-calendar", flow.query, flow.binding)).ok).toBe(true);
  });

  it("refuses unknown, missing and another provider's states", async () => {
    const user = await signedIn(h.t.db);
    const flow = await consented(user);
    const problem = async (providerId: string, state: string | undefined) =>
      ((await rejection(completeOAuth(user, providerId, { ...flow.query, state }, flow.binding))) as OAuthStateError).problem;
    expect(await problem("google-calendar", "forged-state-value")).toBe("unknown");
    expect(await problem("google-calendar", undefined)).toBe("missing");
    expect(await problem("x", flow.query.state)).toBe("other_provider");
    expect(await h.t.db.connection.count()).toBe(0);
  });

  it("stores only a hash of the state and a sealed PKCE verifier", async () => {
    const user = await signedIn(h.t.db);
    const { location } = await startOAuth(user, "x");
    const state = new URL(location).searchParams.get("state")!;
    const row = await h.t.db.oAuthState.findFirstOrThrow();
    expect(row.stateHash).toBe(sha256(state));
    expect(JSON.stringify(row)).not.toContain(state);
    expect(row.verifierCiphertext).toMatch(/^v1\./);
  });
});

describe("what the provider refuses", () => {
  it("a wrong PKCE verifier is rejected by the fake: nothing stored", async () => {
    for (const [providerId, kind] of [
      ["google-calendar", "google"],
      ["x", "x"],
      ["outlook-calendar", "microsoft"],
    ] as const) {
      const user = await signedIn(h.t.db, "admin", `PKCE ${providerId}`);
      const started = await startOAuth(user, providerId);
      const redirect = await h.fakes.oauth.consent(started.location);
      const query = callbackQuery(redirect);
      // Swap the sealed verifier for another one: the challenge the provider holds no longer matches.
      const stateHash = sha256(query.state!);
      const sealed = seal({ codeVerifier: "a".repeat(64) }, { workspaceId: user.workspaceId, connectionId: `oauth-state:${stateHash}` });
      await h.t.db.oAuthState.update({ where: { stateHash }, data: { verifierCiphertext: sealed.ciphertext, keyId: sealed.keyId } });
      const outcome = await completeOAuth(user, providerId, query, started.binding);
      expect(outcome).toMatchObject({ ok: false, reason: "exchange_failed" });
      expect(outcome.message).toMatch(/invalid_(grant|request)/);
      expect(h.fakes.oauth.tokenRequests(kind, "authorization_code").length).toBeGreaterThan(0);
      expect(await h.t.db.connection.count({ where: { workspaceId: user.workspaceId } })).toBe(0);
    }
  });

  it("reports missing scopes, stores nothing and gives the partial grant back", async () => {
    const user = await signedIn(h.t.db);
    const started = await startOAuth(user, "google-calendar");
    const redirect = await h.fakes.oauth.consent(started.location, { scopes: ["openid", "email"] });
    const outcome = await completeOAuth(user, "google-calendar", callbackQuery(redirect), started.binding);
    expect(outcome).toMatchObject({ ok: false, reason: "missing_scopes" });
    expect(outcome.message).toContain("https://www.googleapis.com/auth/calendar.events");
    expect(outcome.message).toContain("https://www.googleapis.com/auth/calendar.events.freebusy");
    expect(outcome.message).not.toContain("email,");
    expect(await h.t.db.connection.count()).toBe(0);
    expect(h.fakes.oauth.requests.filter((r) => r.path === "/google/revoke")).toHaveLength(1);

    // Microsoft reports Graph scopes in its own spelling; X must grant offline access.
    for (const [providerId, granted, missing] of [
      ["outlook-calendar", ["openid", "profile", "offline_access", "User.Read", "MailboxSettings.Read"], "Calendars.ReadWrite"],
      ["x", ["tweet.read", "tweet.write", "users.read"], "offline.access"],
    ] as const) {
      const started = await startOAuth(user, providerId);
      const redirect = await h.fakes.oauth.consent(started.location, { scopes: [...granted] });
      const refused = await completeOAuth(user, providerId, callbackQuery(redirect), started.binding);
      expect(refused, providerId).toMatchObject({ ok: false, reason: "missing_scopes", message: expect.stringContaining(`not granted: ${missing}.`) });
    }
    expect(await h.t.db.connection.count()).toBe(0);
  });

  it("a declined consent leaves the existing connection as it was and says what happened", async () => {
    const user = await signedIn(h.t.db);
    await connectThroughFake(h.fakes.oauth, user, "x");
    const before = await connectionOf(user.workspaceId, "x");
    const outcome = await connectThroughFake(h.fakes.oauth, user, "x", { decision: "deny" });
    expect(outcome).toMatchObject({ ok: false, reason: "denied", message: "X was not connected: the consent was declined at X." });
    expect(await connectionOf(user.workspaceId, "x")).toEqual(before);
  });

  it("Outlook reads who connected from userinfo when the id token names nobody (never 'connected as .')", async () => {
    const user = await signedIn(h.t.db);
    h.fakes.oauth.behaviour.microsoft.idTokenWithoutProfile = true;
    const outcome = await connectThroughFake(h.fakes.oauth, user, "outlook-calendar");
    expect(outcome).toMatchObject({ ok: true, message: "Outlook Calendar connected as ada@contoso.test." });
    expect(h.fakes.oauth.requests.filter((r) => r.path === "/microsoft/oidc/userinfo")).toHaveLength(1);
    expect((await connectionOf(user.workspaceId, "outlook-calendar")).accountLabel).toBe("ada@contoso.test");
  });

  it("an error the provider sends back is shown in its own words (error and error_description), as plain text", async () => {
    const user = await signedIn(h.t.db);
    const started = await startOAuth(user, "google-calendar");
    const state = new URL(started.location).searchParams.get("state")!;
    const outcome = await completeOAuth(user, "google-calendar", { state, error: "invalid_request", error_description: "redirect_uri\nmismatch for this client" }, started.binding);
    expect(outcome).toMatchObject({
      ok: false,
      reason: "provider_error",
      message: "Google Calendar was not connected: Google Calendar answered invalid_request: redirect_uri mismatch for this client. Try again.",
    });
  });

  it("a failed re-connect does not flag the working connection", async () => {
    const user = await signedIn(h.t.db);
    await connectThroughFake(h.fakes.oauth, user, "google-calendar");
    const started = await startOAuth(user, "google-calendar");
    const redirect = await h.fakes.oauth.consent(started.location);
    h.fakes.oauth.failNext({ status: 400, body: { error: "invalid_grant", error_description: "Bad Request" } });
    const outcome = await completeOAuth(user, "google-calendar", callbackQuery(redirect), started.binding);
    expect(outcome).toMatchObject({ ok: false, reason: "exchange_failed" });
    expect(await connectionOf(user.workspaceId, "google-calendar")).toMatchObject({ status: "connected", needsReauth: false });
  });
});

describe("re-consent", () => {
  it("keeps the stored refresh token when Google omits one", async () => {
    const user = await signedIn(h.t.db);
    await connectThroughFake(h.fakes.oauth, user, "google-calendar");
    const row = await connectionOf(user.workspaceId, "google-calendar");
    const first = await storedTokens(h.t.db, row.id);
    h.fakes.oauth.behaviour.google.omitRefreshToken = true;
    expect((await connectThroughFake(h.fakes.oauth, user, "google-calendar")).ok).toBe(true);
    const second = await storedTokens(h.t.db, row.id);
    expect(second!.accessToken).not.toBe(first!.accessToken);
    expect(second!.refreshToken).toBe(first!.refreshToken);
    expect(await connectionOf(user.workspaceId, "google-calendar")).toMatchObject({ refreshable: true, tokenVersion: 1 });
    const audit = await h.t.db.auditLog.findMany({ where: { workspaceId: user.workspaceId } });
    expect(audit.map((a) => (a.details as { keptStoredRefresh?: boolean }).keptStoredRefresh).sort()).toEqual([false, true]);
  });

  it("another account becomes a connection of its own, without the first account's refresh token", async () => {
    const user = await signedIn(h.t.db);
    await connectThroughFake(h.fakes.oauth, user, "google-calendar");
    const first = await connectionOf(user.workspaceId, "google-calendar");
    h.fakes.oauth.behaviour.google.omitRefreshToken = true;
    h.fakes.oauth.accounts.google = { id: "200000000000000000002", email: "grace@plugboard.test", name: "Grace Hopper", extra: "" };
    expect((await connectThroughFake(h.fakes.oauth, user, "google-calendar")).ok).toBe(true);
    const rows = await h.t.db.connection.findMany({ where: { workspaceId: user.workspaceId, providerId: "google-calendar" }, orderBy: { createdAt: "asc" } });
    expect(rows.map((r) => [r.id === first.id, r.accountId, r.accountLabel, r.refreshable])).toEqual([
      [true, first.accountId, first.accountLabel, true],
      [false, "200000000000000000002", "grace@plugboard.test", false],
    ]);
    expect((await storedTokens(h.t.db, rows[1]!.id))!.refreshToken).toBeUndefined();
    expect((await storedTokens(h.t.db, first.id))!.refreshToken).toBeDefined();
  });
});

describe("configuration and access", () => {
  it("an unconfigured provider says what to set and which redirect URI to register", async () => {
    const user = await signedIn(h.t.db);
    const saved = process.env.LINKEDIN_CLIENT_SECRET;
    delete process.env.LINKEDIN_CLIENT_SECRET;
    resetConfig();
    try {
      const refused = await rejection(startOAuth(user, "linkedin"));
      expect(refused.status).toBe(409);
      expect(refused.message).toBe(
        "LinkedIn is not configured on this deployment: set LINKEDIN_CLIENT_SECRET, and register http://localhost:3000/api/integrations/linkedin/oauth/callback as the redirect URI at LinkedIn",
      );
      const entry = deploymentCatalog().find((e) => e.id === "linkedin")!;
      expect(entry.oauth?.setup).toEqual({ configured: false, missing: ["LINKEDIN_CLIENT_SECRET"], redirectUri: "http://localhost:3000/api/integrations/linkedin/oauth/callback" });
      expect(deploymentCatalog().find((e) => e.id === "x")!.oauth?.setup?.configured).toBe(true);
    } finally {
      process.env.LINKEDIN_CLIENT_SECRET = saved;
      resetConfig();
    }
  });

  it("builds redirect URIs on the public URL and asks LinkedIn for organisation scopes only when configured", async () => {
    const user = await signedIn(h.t.db);
    process.env.NEXTAUTH_URL = "https://plugboard.example.com/";
    process.env.LINKEDIN_ORGANIZATION_SCOPES = "true";
    resetConfig();
    try {
      const url = new URL((await startOAuth(user, "linkedin")).location);
      expect(url.searchParams.get("redirect_uri")).toBe("https://plugboard.example.com/api/integrations/linkedin/oauth/callback");
      expect(url.searchParams.get("scope")!.split(" ")).toEqual([
        "openid",
        "profile",
        "email",
        "w_member_social",
        "r_organization_social",
        "w_organization_social",
        "rw_organization_admin",
      ]);
    } finally {
      delete process.env.NEXTAUTH_URL;
      delete process.env.LINKEDIN_ORGANIZATION_SCOPES;
      resetConfig();
    }
    const plain = new URL((await startOAuth(user, "linkedin")).location);
    expect(plain.searchParams.get("scope")).toBe("openid profile email w_member_social");
  });

  it("uses the configured Microsoft tenant in every endpoint", async () => {
    const user = await signedIn(h.t.db);
    process.env.MICROSOFT_TENANT = "contoso.onmicrosoft.com";
    resetConfig();
    try {
      expect((await connectThroughFake(h.fakes.oauth, user, "outlook-calendar")).ok).toBe(true);
      expect(h.fakes.oauth.requests.some((r) => r.path === "/contoso.onmicrosoft.com/oauth2/v2.0/authorize")).toBe(true);
      expect(h.fakes.oauth.tokenRequests("microsoft").map((r) => r.path)).toEqual(["/contoso.onmicrosoft.com/oauth2/v2.0/token"]);
    } finally {
      delete process.env.MICROSOFT_TENANT;
      resetConfig();
    }
  });

  it("refuses viewers, unknown and coming-soon providers", async () => {
    const admin = await signedIn(h.t.db);
    const viewer = await colleague(h.t.db, admin, "viewer");
    expect((await rejection(startOAuth(viewer, "google-calendar"))).status).toBe(403);
    expect((await rejection(startOAuth(admin, "nope"))).status).toBe(404);
    expect((await rejection(startOAuth(admin, "odoo"))).status).toBe(409);
    expect((await rejection(startOAuth(admin, "stripe"))).status).toBe(409);
  });
});

describe("Mailchimp's API key beside OAuth", () => {
  // This block talks to the OAuth fake's Marketing API (the harness points MAILCHIMP_API_BASE at
  // the audiences fake by default).
  let savedBase: string | undefined;
  beforeEach(() => {
    savedBase = process.env.MAILCHIMP_API_BASE;
    process.env.MAILCHIMP_API_BASE = h.fakes.oauth.env.MAILCHIMP_API_BASE;
  });
  afterEach(() => {
    process.env.MAILCHIMP_API_BASE = savedBase;
  });

  it("connects with a key (data centre from its suffix), and OAuth replaces it later", async () => {
    const user = await signedIn(h.t.db);
    const view = await connectApiKey(user, "mailchimp", { apiKey: MAILCHIMP_API_KEYS[0] });
    expect(view).toMatchObject({ connected: true, status: "active", accountLabel: "Plugboard Test Shop · owner@plugboard.test", secrets: { apiKey: true } });
    const root = h.fakes.oauth.requests.find((r) => r.path === "/mailchimp/us19/3.0/")!;
    expect(Buffer.from(root.headers.authorization!.replace(/^Basic /, ""), "base64").toString()).toMatch(new RegExp(`:${MAILCHIMP_API_KEYS[0]}$`));
    expect(await getConnection(user, { providerId: "mailchimp" })).toMatchObject({ secrets: { apiKey: true } });

    // A key whose suffix names another data centre is refused by that data centre.
    const wrongDc = await rejection(connectApiKey(user, "mailchimp", { apiKey: MAILCHIMP_API_KEYS[0].replace("-us19", "-us6") }));
    expect(wrongDc.status).toBe(422);
    expect(wrongDc.message).toMatch(/Mailchimp rejected the API key/);
    expect((await rejection(connectApiKey(user, "mailchimp", { apiKey: "not-a-key" }))).status).toBe(400);

    expect((await connectThroughFake(h.fakes.oauth, user, "mailchimp")).ok).toBe(true);
    const row = await connectionOf(user.workspaceId, "mailchimp");
    expect(row).toMatchObject({ authType: "oauth2" });
    expect(row.settings).not.toHaveProperty("fields");
    expect(Object.keys((await storedTokens(h.t.db, row.id))!)).toEqual(["accessToken"]);
  });
});
