// The browser side of the OAuth routes: the binding cookie, the flash message the dashboard shows
// after the callback, the redirects, and the page that explains a refused callback.
import { NextResponse } from "next/server";
import { z } from "zod";
import { publicBaseUrl } from "@/lib/config";
import { bindingCookie, type CallbackOutcome } from "@/lib/connections/oauth/flow";
import { STATE_TTL_MS, type OAuthStateError } from "@/lib/connections/oauth/state";
import { escapeHtml } from "@/lib/html";

/** The dashboard reads (and deletes) this cookie to show how the callback went. Not httpOnly on purpose; it holds no secret. */
export const FLASH_COOKIE = "plugboard_flash";

const bounded = (max: number) => z.string().max(max, `Longer than ${max} characters`).optional();

/** What providers send back to the callback; anything else they add (scope, session_state…) is ignored. */
export const callbackQuerySchema = z.object({
  code: bounded(4096),
  state: bounded(512),
  error: bounded(200),
  error_description: bounded(2000),
});

const secure = () => publicBaseUrl().startsWith("https:");

/** 302 to the provider's consent page, with the browser-binding cookie for this flow. */
export function redirectToProvider(providerId: string, location: string, binding: string): NextResponse {
  const response = NextResponse.redirect(location, 302);
  const cookie = bindingCookie(providerId);
  response.cookies.set(cookie.name, binding, { httpOnly: true, sameSite: "lax", secure: secure(), path: cookie.path, maxAge: STATE_TTL_MS / 1000 });
  response.headers.set("cache-control", "no-store");
  return response;
}

/** 303 back to the dashboard with the outcome as a flash message; the spent binding cookie is cleared. */
export function backToDashboard(outcome: CallbackOutcome): NextResponse {
  const response = NextResponse.redirect(`${publicBaseUrl()}/integrations`, 303);
  const flash = { providerId: outcome.providerId, ok: outcome.ok, message: outcome.message.slice(0, 600) };
  response.cookies.set(FLASH_COOKIE, JSON.stringify(flash), { httpOnly: false, sameSite: "lax", secure: secure(), path: "/", maxAge: 300 });
  const cookie = bindingCookie(outcome.providerId);
  response.cookies.set(cookie.name, "", { httpOnly: true, sameSite: "lax", secure: secure(), path: cookie.path, maxAge: 0 });
  response.headers.set("cache-control", "no-store");
  return response;
}

/** A plain page saying why a callback was refused (nothing was stored), with the way back. */
export function refusedCallbackPage(error: OAuthStateError): Response {
  const body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Connection not completed · Plugboard</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#1f2937}h1{font-size:1.25rem}a{color:#2563eb}</style></head>
<body><main data-testid="oauth-refused" data-problem="${error.problem}">
<h1>Connection not completed</h1>
<p>${escapeHtml(error.message)} Nothing was saved.</p>
<p>Start again from the integrations page: <a href="/integrations">Back to integrations</a></p>
</main></body></html>`;
  return new Response(body, { status: 400, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } });
}
