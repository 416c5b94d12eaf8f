// Fake authorization servers for the five OAuth providers, on one local HTTP server, each speaking
// its provider's wire format closely enough for the real clients (googleapis' OAuth2 client, MSAL,
// and the project's own form posts):
//
//   Google     /google/…     consent page; token endpoint (client secret in the body, JSON answer with
//                            id_token, refresh token only with access_type=offline + prompt=consent,
//                            none on refresh); /revoke?token=; OpenID userinfo
//   Microsoft  /{tenant}/…   v2.0 authorize + token per tenant: id_token (unsigned JWT) and
//                            client_info (base64url {uid, utid}), a new refresh token on every refresh
//   Mailchimp  /mailchimp/…  authorize + token (expires_in 0, scope null) + /oauth2/metadata (dc,
//                            login) with `Authorization: OAuth <token>`; Marketing API root and ping per dc
//   LinkedIn   /linkedin/…   authorization + accessToken (comma-separated scope; refresh tokens only
//                            when programmatic refresh is on) + revoke + OIDC userinfo
//   X          /x/…          authorize (PKCE required) + token with HTTP basic client auth, rotating
//                            refresh tokens (a spent one answers 400 invalid_request) + revoke + users/me
//
// Every authorize endpoint renders an HTML consent page (scopes as checkboxes, Allow and Deny
// buttons) that posts back and redirects to the client's redirect_uri with code and state, so a
// real browser can click through it. PKCE is verified at the token endpoint (S256 or plain).
//
//   FAKE_OAUTH_PORT=12113 node_modules/.bin/tsx tests/fakes/serve.ts  → see fakeOAuthEnv() for the app's settings.
import crypto from "node:crypto";
import type http from "node:http";
import { pathToFileURL } from "node:url";
import { sendJson, startFakeServer, type FakeServerBase, type RecordedRequest } from "@/tests/fakes/http";

export type OAuthProviderKind = "google" | "microsoft" | "mailchimp" | "linkedin" | "x";
export const OAUTH_PROVIDER_KINDS: OAuthProviderKind[] = ["google", "microsoft", "mailchimp", "linkedin", "x"];

/** The client id and secret each fake accepts (the app is configured with these in tests). */
export const OAUTH_CLIENTS: Record<OAuthProviderKind, { clientId: string; clientSecret: string }> = {
  google: { clientId: "plugboard-test.apps.googleusercontent.com", clientSecret: "GOCSPX-fake-google-client-secret" },
  microsoft: { clientId: "11111111-2222-3333-4444-555555555555", clientSecret: "fake~microsoft~client~secret" },
  mailchimp: { clientId: "123456789012", clientSecret: "fake-mailchimp-client-secret-0123456789" },
  linkedin: { clientId: "86fakelinkedin", clientSecret: "WPL_AP1.fake-linkedin-secret" },
  x: { clientId: "ZmFrZS14LWNsaWVudC1pZA", clientSecret: "fake-x-client-secret-0123456789abcdef" },
};

export interface FakeAccount {
  id: string;
  email: string;
  name: string;
  /** Microsoft tenant id; Mailchimp data centre; X username. */
  extra: string;
}

export const DEFAULT_ACCOUNTS: Record<OAuthProviderKind, FakeAccount> = {
  google: { id: "109876543210987654321", email: "ada@plugboard.test", name: "Ada Lovelace", extra: "" },
  microsoft: { id: "00000000-0000-0000-66f3-3332eca7ea81", email: "ada@contoso.test", name: "Ada Lovelace", extra: "9188040d-6c67-4c5b-b112-36a304b66dad" },
  mailchimp: { id: "4242", email: "owner@plugboard.test", name: "Plugboard Test Shop", extra: "us19" },
  linkedin: { id: "782bbtaQ", email: "ada@plugboard.test", name: "Ada Lovelace", extra: "" },
  x: { id: "1460987654321", email: "", name: "Plugboard", extra: "plugboard" },
};

interface Grant {
  provider: OAuthProviderKind;
  clientId: string;
  account: FakeAccount;
  scopes: string[];
}
interface Code extends Grant {
  redirectUri: string;
  challenge?: string;
  challengeMethod?: string;
  offline: boolean;
  used: boolean;
  expiresAt: number;
}
interface AccessToken extends Grant {
  expiresAt: number;
  revoked: boolean;
}
interface RefreshToken extends Grant {
  revoked: boolean;
}

export interface ProviderBehaviour {
  /** Which of the requested scopes the consent grants (default: all). */
  grantScopes?: (requested: string[]) => string[];
  /** Google: send no refresh token on code exchange, as Google does on re-consent without prompt=consent. */
  omitRefreshToken?: boolean;
  /** LinkedIn: issue refresh tokens (programmatic refresh, partner apps only). Default off. */
  issueRefreshTokens?: boolean;
  /** Seconds until access tokens expire. */
  accessTokenLifetime?: number;
  /** Microsoft: an id_token without name, preferred_username or email (some tenants send none); userinfo still knows. */
  idTokenWithoutProfile?: boolean;
  /** Google: answer a refresh with a new refresh token and spend the presented one (as a standards-strict server that rotates does). */
  rotateRefreshTokens?: boolean;
}

export interface FakeOAuth extends FakeServerBase {
  /** Who consents on each provider's page. */
  accounts: Record<OAuthProviderKind, FakeAccount>;
  behaviour: Record<OAuthProviderKind, ProviderBehaviour>;
  /** The environment that points the app at this fake, with the test OAuth apps configured. */
  env: Record<string, string>;
  /** Token-endpoint requests (optionally of one grant type) that reached a provider. */
  tokenRequests(provider: OAuthProviderKind, grantType?: string): RecordedRequest[];
  /** Registers a grant as if the account had consented earlier: an access and a refresh token. */
  seedGrant(provider: OAuthProviderKind, options?: { account?: FakeAccount; scopes?: string[] }): { accessToken: string; refreshToken: string };
  /** Makes an access token invalid (as after expiry or revocation): API calls with it get 401. */
  invalidateAccessToken(token: string): void;
  /** Revokes a refresh token (as when the user removes the app): refreshing with it fails. */
  revokeRefreshToken(token: string): void;
  isRefreshTokenValid(token: string): boolean;
  isAccessTokenValid(token: string): boolean;
  /**
   * The scopes granted with a live access token of this provider (as the consent or seedGrant gave
   * them), undefined for an unknown, expired or revoked one: how the fake resource servers
   * (Google Calendar, Graph) decide what a token may do.
   */
  grantedScopes(provider: OAuthProviderKind, token: string): string[] | undefined;
  /** Every token value the fake ever issued (for "no token leaks" checks). */
  issuedTokens(): string[];
  /**
   * What a browser does on the consent page: loads the authorize URL, submits Allow (or Deny) with
   * the chosen scopes, and returns the redirect to the app's callback.
   */
  consent(authorizeUrl: string, options?: { decision?: "allow" | "deny"; scopes?: string[] }): Promise<URL>;
}

const PATHS: Record<OAuthProviderKind, { authorize: string; token: string; revoke?: string; userinfo: string }> = {
  google: { authorize: "/google/o/oauth2/v2/auth", token: "/google/token", revoke: "/google/revoke", userinfo: "/google/v1/userinfo" },
  // The tenant is the first path segment, as at login.microsoftonline.com: MSAL rewrites that segment.
  microsoft: { authorize: "/{tenant}/oauth2/v2.0/authorize", token: "/{tenant}/oauth2/v2.0/token", userinfo: "/microsoft/oidc/userinfo" },
  mailchimp: { authorize: "/mailchimp/oauth2/authorize", token: "/mailchimp/oauth2/token", userinfo: "/mailchimp/oauth2/metadata" },
  linkedin: { authorize: "/linkedin/oauth/v2/authorization", token: "/linkedin/oauth/v2/accessToken", revoke: "/linkedin/oauth/v2/revoke", userinfo: "/linkedin/v2/userinfo" },
  x: { authorize: "/x/i/oauth2/authorize", token: "/x/2/oauth2/token", revoke: "/x/2/oauth2/revoke", userinfo: "/x/2/users/me" },
};

const ENV_PREFIX: Record<OAuthProviderKind, string> = { google: "GOOGLE", microsoft: "MICROSOFT", mailchimp: "MAILCHIMP", linkedin: "LINKEDIN", x: "X" };

/** The app's configuration for a fake running at `base`. */
export function fakeOAuthEnv(base: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const kind of OAUTH_PROVIDER_KINDS) {
    const p = ENV_PREFIX[kind];
    const paths = PATHS[kind];
    env[`${p}_CLIENT_ID`] = OAUTH_CLIENTS[kind].clientId;
    env[`${p}_CLIENT_SECRET`] = OAUTH_CLIENTS[kind].clientSecret;
    env[`${p}_OAUTH_AUTHORIZE_URL`] = base + paths.authorize;
    env[`${p}_OAUTH_TOKEN_URL`] = base + paths.token;
    if (paths.revoke) env[`${p}_OAUTH_REVOKE_URL`] = base + paths.revoke;
    env[kind === "mailchimp" ? "MAILCHIMP_OAUTH_METADATA_URL" : `${p}_OAUTH_USERINFO_URL`] = base + paths.userinfo;
  }
  env.MAILCHIMP_API_BASE = `${base}/mailchimp/{dc}/3.0`;
  return env;
}

/** The scope string each provider's token answer carries. */
function scopeAnswer(provider: OAuthProviderKind, scopes: string[]): string | null {
  if (provider === "mailchimp") return null;
  if (provider === "linkedin") return scopes.join(",");
  if (provider === "google") {
    const long: Record<string, string> = { email: "https://www.googleapis.com/auth/userinfo.email", profile: "https://www.googleapis.com/auth/userinfo.profile" };
    return scopes.map((s) => long[s] ?? s).join(" ");
  }
  if (provider === "microsoft") return scopes.filter((s) => s !== "offline_access").join(" ");
  return scopes.join(" ");
}

const b64url = (value: unknown) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function parseForm(body: string): URLSearchParams {
  return new URLSearchParams(body);
}

function basicCredentials(headers: http.IncomingHttpHeaders): { id: string; secret: string } | null {
  const m = /^Basic\s+(.+)$/i.exec(headers.authorization ?? "");
  if (!m) return null;
  const decoded = Buffer.from(m[1]!, "base64").toString("utf8");
  const at = decoded.indexOf(":");
  if (at < 0) return null;
  return { id: decodeURIComponent(decoded.slice(0, at)), secret: decodeURIComponent(decoded.slice(at + 1)) };
}

export async function startFakeOAuth(options: { port?: number } = {}): Promise<FakeOAuth> {
  const codes = new Map<string, Code>();
  const accessTokens = new Map<string, AccessToken>();
  const refreshTokens = new Map<string, RefreshToken>();
  const issued: string[] = [];
  const accounts: Record<OAuthProviderKind, FakeAccount> = { ...DEFAULT_ACCOUNTS };
  const behaviour: Record<OAuthProviderKind, ProviderBehaviour> = { google: {}, microsoft: {}, mailchimp: {}, linkedin: {}, x: {} };
  let serverUrl = "";

  const mint = (prefix: string) => {
    const value = prefix + crypto.randomBytes(24).toString("base64url");
    issued.push(value);
    return value;
  };
  const TOKEN_PREFIX: Record<OAuthProviderKind, { access: string; refresh: string }> = {
    google: { access: "ya29.fakeGoogleAT-", refresh: "1//fakeGoogleRT-" },
    microsoft: { access: "eyJ0eXAiOiJKV1QifakeMsAT.", refresh: "0.AXfakeMsRT-" },
    mailchimp: { access: "fakeMailchimpAT", refresh: "" },
    linkedin: { access: "AQVfakeLinkedInAT", refresh: "AQWfakeLinkedInRT" },
    x: { access: "fakeXAT-", refresh: "fakeXRT-" },
  };

  function issueAccess(grant: Grant): { token: string; expiresIn: number } {
    const expiresIn = behaviour[grant.provider].accessTokenLifetime ?? { google: 3599, microsoft: 3599, mailchimp: 0, linkedin: 5_183_999, x: 7200 }[grant.provider];
    const token = mint(TOKEN_PREFIX[grant.provider].access);
    accessTokens.set(token, { ...grant, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : Infinity, revoked: false });
    return { token, expiresIn };
  }
  function issueRefresh(grant: Grant): string {
    const token = mint(TOKEN_PREFIX[grant.provider].refresh);
    refreshTokens.set(token, { ...grant, revoked: false });
    return token;
  }

  function idToken(provider: OAuthProviderKind, grant: Grant): string {
    const now = Math.floor(Date.now() / 1000);
    const a = grant.account;
    const claims =
      provider === "microsoft"
        ? {
            aud: grant.clientId,
            iss: `https://login.microsoftonline.com/${a.extra}/v2.0`,
            iat: now,
            nbf: now,
            exp: now + 3600,
            ...(behaviour.microsoft.idTokenWithoutProfile ? {} : { name: a.name, preferred_username: a.email }),
            oid: a.id,
            sub: crypto.createHash("sha256").update(a.id).digest("base64url"),
            tid: a.extra,
            ver: "2.0",
          }
        : {
            iss: provider === "google" ? "https://accounts.google.com" : "https://www.linkedin.com/oauth",
            aud: grant.clientId,
            sub: a.id,
            email: a.email,
            email_verified: true,
            name: a.name,
            iat: now,
            exp: now + 3600,
          };
    // Unsigned (alg none): the clients read the claims from the token endpoint's own answer.
    return `${b64url({ alg: "none", typ: "JWT" })}.${b64url(claims)}.`;
  }

  // --- consent page -------------------------------------------------------------------------

  function providerAt(path: string): OAuthProviderKind | undefined {
    if (/^\/[^/]+\/oauth2\/v2\.0\//.test(path)) return "microsoft";
    return OAUTH_PROVIDER_KINDS.find((k) => path.startsWith(`/${k}/`));
  }

  function redirectWith(res: http.ServerResponse, redirectUri: string, params: Record<string, string>) {
    const url = new URL(redirectUri);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    res.writeHead(302, { location: url.toString(), "cache-control": "no-store" });
    res.end();
  }

  function consentPage(provider: OAuthProviderKind, req: RecordedRequest, res: http.ServerResponse) {
    const q = req.query;
    const client = OAUTH_CLIENTS[provider];
    if (q.client_id !== client.clientId || !q.redirect_uri) {
      res.writeHead(400, { "content-type": "text/html" });
      return res.end(`<!doctype html><h1>Error 400: invalid_request</h1><p>Unknown client_id or missing redirect_uri.</p>`);
    }
    if (q.response_type !== "code") return redirectWith(res, q.redirect_uri, { error: "unsupported_response_type", ...(q.state ? { state: q.state } : {}) });
    if (provider === "x" && !q.code_challenge)
      return redirectWith(res, q.redirect_uri, {
        error: "invalid_request",
        error_description: "Missing required parameter [code_challenge].",
        ...(q.state ? { state: q.state } : {}),
      });
    const requested = (q.scope ?? "").split(/[\s,]+/).filter(Boolean);
    const account = accounts[provider];
    const hidden = Object.entries(q)
      .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
      .join("");
    const boxes = requested.map((s) => `<li><label><input type="checkbox" name="granted_scope" value="${escapeHtml(s)}" checked> ${escapeHtml(s)}</label></li>`).join("");
    const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in – ${provider} (fake)</title></head>
<body><main><h1>Fake ${provider} consent</h1>
<p>Plugboard wants to access your account <strong data-testid="fake-account">${escapeHtml(account.email || account.name)}</strong>.</p>
<form method="post" action="${PATHS[provider].authorize.replace("{tenant}", "consent")}/decision">${hidden}
<ul>${boxes}</ul>
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form></main></body></html>`;
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
    res.end(html);
  }

  function consentDecision(provider: OAuthProviderKind, req: RecordedRequest, res: http.ServerResponse) {
    const form = parseForm(req.body);
    const redirectUri = form.get("redirect_uri")!;
    const state = form.get("state");
    const withState = (p: Record<string, string>) => ({ ...p, ...(state ? { state } : {}) });
    if (form.get("decision") !== "allow") {
      return redirectWith(res, redirectUri, withState({ error: "access_denied", error_description: "The user denied the request." }));
    }
    const requested = (form.get("scope") ?? "").split(/[\s,]+/).filter(Boolean);
    const checked = form.getAll("granted_scope");
    const chosen = requested.filter((s) => checked.includes(s));
    const scopes = behaviour[provider].grantScopes ? behaviour[provider].grantScopes!(chosen) : chosen;
    const code = mint(`fakecode-${provider}-`);
    codes.set(code, {
      provider,
      clientId: form.get("client_id")!,
      account: { ...accounts[provider] },
      scopes,
      redirectUri,
      challenge: form.get("code_challenge") ?? undefined,
      challengeMethod: form.get("code_challenge_method") ?? undefined,
      offline: provider !== "google" || (form.get("access_type") === "offline" && form.get("prompt") === "consent"),
      used: false,
      expiresAt: Date.now() + 10 * 60_000,
    });
    const extras: Record<string, string> = {};
    if (provider === "google") Object.assign(extras, { scope: scopeAnswer("google", scopes)!, authuser: "0", prompt: "consent" });
    if (provider === "microsoft") extras.session_state = crypto.randomUUID();
    redirectWith(res, redirectUri, withState({ code, ...extras }));
  }

  // --- token endpoint -----------------------------------------------------------------------

  const oauthFailure = (res: http.ServerResponse, status: number, error: string, description: string, extra: Record<string, unknown> = {}) =>
    sendJson(res, status, { error, error_description: description, ...extra });

  function tokenError(provider: OAuthProviderKind, res: http.ServerResponse, kind: "bad_client" | "bad_code" | "bad_verifier" | "bad_refresh", detail: string) {
    if (provider === "microsoft") {
      const codes: Record<string, [number, string]> = {
        bad_client: [7000215, "invalid_client"],
        bad_code: [70008, "invalid_grant"],
        bad_verifier: [501481, "invalid_grant"],
        bad_refresh: [70000, "invalid_grant"],
      };
      const [number, error] = codes[kind]!;
      return oauthFailure(
        res,
        kind === "bad_client" ? 401 : 400,
        error,
        `AADSTS${number}: ${detail} Trace ID: ${crypto.randomUUID()} Correlation ID: ${crypto.randomUUID()} Timestamp: ${new Date().toISOString()}`,
        {
          error_codes: [number],
          timestamp: new Date().toISOString(),
          trace_id: crypto.randomUUID(),
          correlation_id: crypto.randomUUID(),
        },
      );
    }
    if (provider === "x") {
      if (kind === "bad_client") return oauthFailure(res, 401, "unauthorized_client", "Missing valid authorization header");
      return oauthFailure(res, 400, "invalid_request", "Value passed for the token was invalid.");
    }
    if (provider === "google" && kind === "bad_client") return oauthFailure(res, 401, "invalid_client", "Unauthorized");
    if (provider === "google") return oauthFailure(res, 400, "invalid_grant", kind === "bad_refresh" ? "Token has been expired or revoked." : "Bad Request");
    if (kind === "bad_client") return oauthFailure(res, 401, "invalid_client", "Client authentication failed");
    return oauthFailure(res, 400, "invalid_grant", detail);
  }

  function tokenEndpoint(provider: OAuthProviderKind, req: RecordedRequest, res: http.ServerResponse) {
    const form = parseForm(req.body);
    const client = OAUTH_CLIENTS[provider];
    // X is a confidential client with basic auth; the others post their credentials in the body.
    const basic = basicCredentials(req.headers);
    const given = provider === "x" ? basic : { id: form.get("client_id") ?? basic?.id ?? "", secret: form.get("client_secret") ?? basic?.secret ?? "" };
    if (!given || given.id !== client.clientId || given.secret !== client.clientSecret) return tokenError(provider, res, "bad_client", "Invalid client secret provided.");

    const grantType = form.get("grant_type");
    let grant: Grant;
    let withRefresh: boolean;
    if (grantType === "authorization_code") {
      const code = codes.get(form.get("code") ?? "");
      if (!code || code.provider !== provider || code.used || code.expiresAt < Date.now())
        return tokenError(provider, res, "bad_code", "The provided authorization code is invalid or has expired.");
      code.used = true;
      if (code.redirectUri !== form.get("redirect_uri")) return tokenError(provider, res, "bad_code", "redirect_uri does not match the authorization request.");
      if (code.challenge) {
        const verifier = form.get("code_verifier") ?? "";
        const expected = code.challengeMethod === "plain" ? verifier : crypto.createHash("sha256").update(verifier).digest("base64url");
        if (!verifier || expected !== code.challenge)
          return tokenError(provider, res, "bad_verifier", "The code_verifier does not match the code_challenge supplied in the authorization request.");
      }
      grant = code;
      withRefresh =
        provider === "google"
          ? code.offline && !behaviour.google.omitRefreshToken
          : provider === "x"
            ? code.scopes.includes("offline.access")
            : provider === "linkedin"
              ? !!behaviour.linkedin.issueRefreshTokens
              : provider === "microsoft";
    } else if (grantType === "refresh_token") {
      const presented = form.get("refresh_token") ?? "";
      const stored = refreshTokens.get(presented);
      if (!stored || stored.provider !== provider || stored.revoked || provider === "mailchimp")
        return tokenError(provider, res, "bad_refresh", "The refresh token is invalid, expired or revoked.");
      grant = stored;
      // X rotates: the presented refresh token is spent. Microsoft sends a new one too (the old stays valid a while).
      const rotates = provider === "x" || (provider === "google" && !!behaviour.google.rotateRefreshTokens);
      if (rotates) stored.revoked = true;
      withRefresh = rotates || provider === "microsoft";
    } else {
      return oauthFailure(res, 400, "unsupported_grant_type", `Grant type ${grantType ?? "(none)"} is not supported.`);
    }

    const access = issueAccess(grant);
    const scope = scopeAnswer(provider, grant.scopes);
    const refreshToken = withRefresh ? issueRefresh(grant) : undefined;
    const body: Record<string, unknown> = { access_token: access.token, expires_in: access.expiresIn };
    if (provider === "mailchimp") Object.assign(body, { scope: null });
    else Object.assign(body, { token_type: provider === "x" ? "bearer" : "Bearer", scope });
    if (refreshToken) body.refresh_token = refreshToken;
    if (provider === "google" && grant.scopes.includes("openid")) body.id_token = idToken("google", grant);
    if (provider === "linkedin" && grantType === "authorization_code") body.id_token = idToken("linkedin", grant);
    if (provider === "linkedin" && refreshToken) body.refresh_token_expires_in = 31_535_999;
    if (provider === "microsoft") {
      Object.assign(body, { ext_expires_in: access.expiresIn, id_token: idToken("microsoft", grant), client_info: b64url({ uid: grant.account.id, utid: grant.account.extra }) });
    }
    sendJson(res, 200, body, { "cache-control": "no-store", pragma: "no-cache" });
  }

  // --- revoke, identity, Mailchimp API ------------------------------------------------------

  function revokeEndpoint(provider: OAuthProviderKind, req: RecordedRequest, res: http.ServerResponse) {
    const form = parseForm(req.body);
    const token = req.query.token ?? form.get("token") ?? "";
    if (provider === "x") {
      const basic = basicCredentials(req.headers);
      if (!basic || basic.id !== OAUTH_CLIENTS.x.clientId || basic.secret !== OAUTH_CLIENTS.x.clientSecret) return tokenError("x", res, "bad_client", "");
    }
    if (provider === "linkedin" && (form.get("client_id") !== OAUTH_CLIENTS.linkedin.clientId || form.get("client_secret") !== OAUTH_CLIENTS.linkedin.clientSecret)) {
      return tokenError("linkedin", res, "bad_client", "");
    }
    const known = accessTokens.get(token) ?? refreshTokens.get(token);
    if (!known) {
      if (provider === "google") return oauthFailure(res, 400, "invalid_token", "Token expired or revoked");
      return sendJson(res, 200, provider === "x" ? { revoked: true } : {});
    }
    // Revoking any token of a grant ends the grant: every token of that account and client.
    for (const map of [accessTokens, refreshTokens] as Map<string, { provider: string; account: FakeAccount; revoked: boolean }>[]) {
      for (const t of map.values()) if (t.provider === provider && t.account.id === known.account.id) t.revoked = true;
    }
    sendJson(res, 200, provider === "x" ? { revoked: true } : {});
  }

  function bearer(req: RecordedRequest, scheme = "Bearer"): AccessToken | undefined {
    const m = new RegExp(`^${scheme}\\s+(.+)$`, "i").exec(req.headers.authorization ?? "");
    const token = m ? accessTokens.get(m[1]!.trim()) : undefined;
    return token && !token.revoked && token.expiresAt > Date.now() ? token : undefined;
  }

  function identity(provider: OAuthProviderKind, req: RecordedRequest, res: http.ServerResponse) {
    const token = bearer(req, provider === "mailchimp" ? "(?:OAuth|Bearer)" : "Bearer");
    if (!token || token.provider !== provider) {
      if (provider === "x") return sendJson(res, 401, { title: "Unauthorized", type: "about:blank", status: 401, detail: "Unauthorized" });
      if (provider === "mailchimp") return sendJson(res, 401, { error: "invalid_token", error_description: "Invalid token" });
      return sendJson(res, 401, { error: "invalid_token", error_description: "Invalid Credentials" }, { "www-authenticate": 'Bearer error="invalid_token"' });
    }
    const a = token.account;
    if (provider === "x") return sendJson(res, 200, { data: { id: a.id, name: a.name, username: a.extra } });
    if (provider === "mailchimp") {
      return sendJson(res, 200, {
        dc: a.extra,
        role: "owner",
        accountname: a.name,
        user_id: Number(a.id),
        login: { email: a.email, avatar: null, login_id: Number(a.id), login_name: "plugboard_owner", login_email: a.email },
        login_url: "https://login.mailchimp.com",
        api_endpoint: `https://${a.extra}.api.mailchimp.com`,
      });
    }
    if (provider === "linkedin")
      return sendJson(res, 200, {
        sub: a.id,
        email_verified: true,
        name: a.name,
        locale: { country: "GB", language: "en" },
        given_name: a.name.split(" ")[0],
        family_name: a.name.split(" ").slice(1).join(" "),
        email: a.email,
      });
    return sendJson(res, 200, {
      sub: a.id,
      name: a.name,
      given_name: a.name.split(" ")[0],
      family_name: a.name.split(" ").slice(1).join(" "),
      email: a.email,
      email_verified: true,
    });
  }

  /** Mailchimp Marketing API root and ping: an API key (basic auth, any user) or an OAuth token (Bearer). */
  function mailchimpApi(req: RecordedRequest, res: http.ServerResponse, dc: string, rest: string) {
    const problem = (status: number, title: string, detail: string) =>
      sendJson(
        res,
        status,
        { type: "https://mailchimp.com/developer/marketing/docs/errors/", title, status, detail, instance: crypto.randomUUID() },
        { "content-type": "application/problem+json" },
      );
    const basic = basicCredentials(req.headers);
    const apiKey = basic?.secret;
    const viaKey = apiKey ? MAILCHIMP_API_KEYS.includes(apiKey as (typeof MAILCHIMP_API_KEYS)[number]) && apiKey.endsWith(`-${dc}`) : false;
    const viaToken = bearer(req)?.provider === "mailchimp" && bearer(req)?.account.extra === dc;
    if (!viaKey && !viaToken) return problem(401, "API Key Invalid", "Your API key may be invalid, or you've attempted to access the wrong datacenter.");
    if (rest === "/ping") return sendJson(res, 200, { health_status: "Everything's Chimpy!" });
    if (rest === "/" || rest === "") {
      return sendJson(res, 200, {
        account_id: "8d3a3db4d97663a9074efcc16",
        login_id: "4242",
        account_name: accounts.mailchimp.name,
        email: accounts.mailchimp.email,
        first_name: "Ada",
        last_name: "Lovelace",
        role: "owner",
      });
    }
    return problem(404, "Resource Not Found", "The requested resource could not be found.");
  }

  /**
   * The fake's control API, for tests and benchmarks that run it in another process:
   *   GET  /__fake/issued                                  every token issued (leak checks)
   *   POST /__fake/seed { provider, count }                grants as seedGrant() makes them
   *   POST /__fake/configure { delayMs?, behaviour? }      answer delay; behaviour per provider
   *   GET  /__fake/token-requests?provider=&grant_type=    how many token requests arrived
   */
  function control(req: RecordedRequest, res: http.ServerResponse) {
    const body = req.body ? (JSON.parse(req.body) as Record<string, unknown>) : {};
    if (req.method === "GET" && req.path === "/__fake/issued") return sendJson(res, 200, { tokens: issued });
    if (req.method === "POST" && req.path === "/__fake/seed") {
      const provider = body.provider as OAuthProviderKind;
      return sendJson(res, 200, { grants: Array.from({ length: Number(body.count ?? 1) }, () => fake.seedGrant(provider)) });
    }
    if (req.method === "POST" && req.path === "/__fake/configure") {
      if (typeof body.delayMs === "number") server.setDelay(body.delayMs);
      for (const [kind, value] of Object.entries((body.behaviour ?? {}) as Record<string, ProviderBehaviour>)) Object.assign(behaviour[kind as OAuthProviderKind], value);
      return sendJson(res, 200, { ok: true });
    }
    if (req.method === "GET" && req.path === "/__fake/token-requests") {
      return sendJson(res, 200, { count: fake.tokenRequests(req.query.provider as OAuthProviderKind, req.query.grant_type).length });
    }
    sendJson(res, 404, { error: "unknown control path" });
  }

  const server = await startFakeServer(
    {
      port: options.port,
      onFailure: (req, res, failure) => {
        const headers = { ...(failure.retryAfter !== undefined ? { "retry-after": String(failure.retryAfter) } : {}), ...failure.headers };
        sendJson(
          res,
          failure.status,
          failure.body ?? { error: failure.status === 429 ? "rate_limit_exceeded" : "temporarily_unavailable", error_description: `HTTP ${failure.status} from the fake` },
          headers,
        );
      },
    },
    (req, res) => {
      if (req.path.startsWith("/__fake/")) return control(req, res);
      const provider = providerAt(req.path);
      const mc = /^\/mailchimp\/([a-z]+\d+)\/3\.0(\/.*)?$/.exec(req.path);
      if (mc) return mailchimpApi(req, res, mc[1]!, mc[2] ?? "/");
      if (!provider) return sendJson(res, 404, { error: "not_found" });
      const paths = PATHS[provider];
      const pattern = (template: string) => new RegExp(`^${template.replace(/[.]/g, "\\.").replace("{tenant}", "[^/]+")}$`);
      if (req.method === "GET" && pattern(paths.authorize).test(req.path)) return consentPage(provider, req, res);
      if (req.method === "POST" && req.path === `${paths.authorize.replace("{tenant}", "consent")}/decision`) return consentDecision(provider, req, res);
      if (req.method === "POST" && pattern(paths.token).test(req.path)) return tokenEndpoint(provider, req, res);
      if (req.method === "POST" && paths.revoke && req.path === paths.revoke) return revokeEndpoint(provider, req, res);
      if (req.method === "GET" && req.path === paths.userinfo) return identity(provider, req, res);
      sendJson(res, 404, { error: "not_found", path: req.path });
    },
  );
  serverUrl = server.url;

  const fake: FakeOAuth = {
    ...server,
    accounts,
    behaviour,
    env: fakeOAuthEnv(serverUrl),
    tokenRequests(provider, grantType) {
      const token = new RegExp(`^${PATHS[provider].token.replace(/[.]/g, "\\.").replace("{tenant}", "[^/]+")}$`);
      return server.requests.filter((r) => r.method === "POST" && token.test(r.path) && (!grantType || parseForm(r.body).get("grant_type") === grantType));
    },
    seedGrant(provider, seed = {}) {
      const grant: Grant = { provider, clientId: OAUTH_CLIENTS[provider].clientId, account: seed.account ?? { ...accounts[provider] }, scopes: seed.scopes ?? [] };
      return { accessToken: issueAccess(grant).token, refreshToken: issueRefresh(grant) };
    },
    invalidateAccessToken(token) {
      const t = accessTokens.get(token);
      if (t) t.revoked = true;
    },
    revokeRefreshToken(token) {
      const t = refreshTokens.get(token);
      if (t) t.revoked = true;
    },
    isRefreshTokenValid: (token) => !!refreshTokens.get(token) && !refreshTokens.get(token)!.revoked,
    isAccessTokenValid: (token) => !!accessTokens.get(token) && !accessTokens.get(token)!.revoked,
    grantedScopes(provider, token) {
      const t = accessTokens.get(token);
      return t && t.provider === provider && !t.revoked && t.expiresAt > Date.now() ? [...t.scopes] : undefined;
    },
    issuedTokens: () => [...issued],
    async consent(authorizeUrl, choice = {}) {
      const page = await fetch(authorizeUrl, { redirect: "manual" });
      if (page.status === 302) return new URL(page.headers.get("location")!);
      const html = await page.text();
      if (page.status !== 200) throw new Error(`consent page answered ${page.status}: ${html.slice(0, 200)}`);
      const action = /<form method="post" action="([^"]+)"/.exec(html)![1]!;
      const form = new URLSearchParams();
      for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) form.append(decodeEntities(m[1]!), decodeEntities(m[2]!));
      const requested = [...html.matchAll(/name="granted_scope" value="([^"]*)"/g)].map((m) => decodeEntities(m[1]!));
      for (const scope of choice.scopes ?? requested) form.append("granted_scope", scope);
      form.set("decision", choice.decision ?? "allow");
      const decided = await fetch(new URL(action, serverUrl), { method: "POST", body: form, redirect: "manual" });
      if (decided.status !== 302) throw new Error(`consent decision answered ${decided.status}`);
      return new URL(decided.headers.get("location")!);
    },
    reset() {
      server.reset();
      for (const kind of OAUTH_PROVIDER_KINDS) {
        behaviour[kind] = {};
        accounts[kind] = { ...DEFAULT_ACCOUNTS[kind] };
      }
    },
  };
  return fake;
}

/** HTML entities back to text (the consent page escapes its hidden fields). */
function decodeEntities(text: string): string {
  return text.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)));
}

/** Mailchimp API keys the fake's Marketing API accepts (the suffix is the data centre). */
export const MAILCHIMP_API_KEYS = ["0123456789abcdef0123456789abcdef-us19", "fedcba9876543210fedcba9876543210-us6"] as const;

// `node_modules/.bin/tsx tests/fakes/oauth.ts`: the OAuth fakes alone (FAKE_OAUTH_PORT, default any
// free port), driven through the control API above; prints `listening <url>`.
const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const fake = await startFakeOAuth({ port: Number(process.env.FAKE_OAUTH_PORT ?? 0) });
  process.stdout.write(`listening ${fake.url}\n`);
  const stop = () => void fake.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
