// next-auth answers some client mistakes with a 500 ("There is a problem with the server
// configuration"): a callbackUrl query parameter or callback-url cookie it cannot parse as an
// http(s) URL (`\\host`, a NUL, `%ff`, `javascript:`), and a JSON body that does not parse. They
// are the client's mistakes, so they get a 400 before next-auth runs. A callback URL on another
// site is refused too: next-auth would fall back to the home page, but nothing legitimate sends one.
import { isSameSiteCallback } from "@/lib/auth/callback-url";
import { readCookie } from "@/lib/http/cookies";

/** next-auth's callback-url cookie, under both of the names it uses (plain and secure). */
export const CALLBACK_URL_COOKIES = ["next-auth.callback-url", "__Secure-next-auth.callback-url"];

export interface NextAuthRequestProblem {
  error: string;
  /** Cookies to delete in the answer, so a browser holding a broken one recovers. */
  clearCookies: string[];
}

/**
 * Why next-auth should not see `request`, or null. `origins` are the ones this site answers on
 * (next-auth's own NEXTAUTH_URL, the public URL): a callback URL on any of them is this site's.
 */
export async function nextAuthRequestProblem(request: Request, origins: string[]): Promise<NextAuthRequestProblem | null> {
  const onThisSite = (url: string) => origins.some((origin) => isSameSiteCallback(url, origin));
  const callbackUrl = new URL(request.url).searchParams.get("callbackUrl");
  if (callbackUrl !== null && !onThisSite(callbackUrl)) {
    return { error: "callbackUrl must be a path on this site", clearCookies: [] };
  }
  const badCookies = CALLBACK_URL_COOKIES.filter((name) => {
    const value = readCookie(request, name);
    return value !== undefined && !onThisSite(value);
  });
  if (badCookies.length > 0) {
    return { error: "The sign-in callback cookie is not a path on this site; it has been cleared", clearCookies: badCookies };
  }
  if (request.method === "POST" && request.headers.get("content-type")?.includes("application/json")) {
    try {
      await request.clone().json();
    } catch {
      return { error: "The request body is not valid JSON", clearCookies: [] };
    }
  }
  return null;
}
