// The OAuth wire format helpers: token answers, scope lists and error codes mapped onto the
// pipeline's categories (which decide between retrying and asking the admin to reconnect).
import { describe, expect, it } from "vitest";
import { codeChallengeS256 } from "@/lib/connections/oauth/state";
import { oauthError, oauthErrorCategory, splitScopes, tokenSetFrom } from "@/lib/integrations/kit/oauth-wire";

describe("OAuth errors", () => {
  it("asks for re-authorisation on refused grants and clients, retries on outages and rate limits", () => {
    for (const code of ["invalid_grant", "invalid_client", "unauthorized_client", "access_denied", "invalid_token", "interaction_required"]) {
      expect(oauthErrorCategory(400, code), code).toBe("auth");
    }
    expect(oauthErrorCategory(503, "temporarily_unavailable")).toBe("transient");
    expect(oauthErrorCategory(400, "server_error")).toBe("transient");
    expect(oauthErrorCategory(429, undefined)).toBe("rate_limit");
    expect(oauthErrorCategory(502, undefined)).toBe("transient");
    expect(oauthErrorCategory(400, "invalid_request")).toBe("validation");
    expect(oauthErrorCategory(401, undefined)).toBe("auth");
  });

  it("builds a message from the provider's error and description, with status and Retry-After", () => {
    const error = oauthError("Google", 400, { error: "invalid_grant", error_description: "Token has been expired or revoked." });
    expect(error).toMatchObject({
      message: "Google answered 400: invalid_grant (Token has been expired or revoked.)",
      category: "auth",
      statusCode: 400,
      providerCode: "invalid_grant",
    });
    expect(oauthError("X", 429, { title: "Too Many Requests" }, "7")).toMatchObject({ category: "rate_limit", retryAfterMs: 7000, message: "X answered 429: Too Many Requests" });
    expect(oauthError("LinkedIn", 500, "not json").message).toBe("LinkedIn answered 500: HTTP 500");
  });
});

describe("token answers", () => {
  it("reads expiry, refresh token and scopes; no expiry when expires_in is 0 or absent", () => {
    const now = Date.UTC(2026, 0, 1);
    expect(tokenSetFrom({ access_token: "a", refresh_token: "r", expires_in: 3600, scope: "x y" }, now)).toEqual({
      accessToken: "a",
      refreshToken: "r",
      expiresAt: new Date(now + 3_600_000),
      grantedScopes: ["x", "y"],
    });
    expect(tokenSetFrom({ access_token: "a", expires_in: 0, scope: null }, now)).toEqual({ accessToken: "a", expiresAt: null, grantedScopes: null });
  });

  it("splits space- and comma-separated scope lists", () => {
    expect(splitScopes("email,openid,profile,w_member_social")).toEqual(["email", "openid", "profile", "w_member_social"]);
    expect(splitScopes("tweet.read  users.read")).toEqual(["tweet.read", "users.read"]);
    expect(splitScopes(undefined)).toBeNull();
  });

  it("derives the PKCE S256 challenge as base64url(sha256(verifier)) without padding", () => {
    expect(codeChallengeS256("verifier")).toBe("iMnq5o6zALKXGivsnlom_0F5_WYda32GHkxlV7mq7hQ");
    expect(codeChallengeS256("a".repeat(64))).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
