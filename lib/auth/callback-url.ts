/** A stand-in origin for resolving paths when the real one is not known (server render). */
const PLACEHOLDER_ORIGIN = "http://plugboard.invalid";

/**
 * Where to go after signing in: a path on this site, or the dashboard. The candidate is resolved
 * the way a browser would (WHATWG URL parsing) and kept only when it lands on the same origin, so
 * `//evil.example`, `/\evil.example`, schemes and other hosts all fall back. Control characters
 * and backslashes are refused outright: browsers drop TAB, CR and LF inside URLs and read "\" as
 * "/", which is how `/%09/evil.example` used to pass a prefix check. Never back to /login itself.
 */
export function safeCallbackPath(raw: string | null | undefined, origin?: string): string {
  const path = sameSitePath(raw, origin);
  if (!path || path === "/login" || path.startsWith("/login/") || path.startsWith("/login?") || path.startsWith("/login#")) return "/integrations";
  return path;
}

/** Whether `raw` is a path or URL on this site (what next-auth may be handed as a callback URL). */
export function isSameSiteCallback(raw: string, origin?: string): boolean {
  return sameSitePath(raw, origin) !== null;
}

function sameSitePath(raw: string | null | undefined, origin?: string): string | null {
  if (!raw) return null;
  if (/[\u0000-\u001f\u007f-\u009f\\]/.test(raw)) return null;
  let expected: string;
  let url: URL;
  try {
    expected = new URL(origin ?? PLACEHOLDER_ORIGIN).origin;
    url = new URL(raw, expected);
  } catch {
    return null;
  }
  if (url.origin !== expected) return null;
  // Relative paths must be absolute on the site ("/…"); a full URL must be this origin's.
  if (!raw.startsWith("/") && !(origin && (raw === expected || raw.startsWith(`${expected}/`)))) return null;
  const path = url.pathname + url.search + url.hash;
  // "//host" as a pathname would be read as another host when navigated to.
  if (path.startsWith("//")) return null;
  return path;
}

const NEXT_AUTH_ERRORS: Record<string, string> = {
  CredentialsSignin: "Wrong email or password.",
  SessionRequired: "Sign in to continue.",
  AccessDenied: "Your account may not sign in to this workspace.",
  Configuration: "Sign-in is not configured correctly on this server. Ask the person who runs Plugboard.",
  Default: "Could not sign in. Try again.",
};

/** next-auth hands back either a code (CredentialsSignin, …) or the message the authorize step threw. */
export function describeSignInError(error: string): string {
  if (NEXT_AUTH_ERRORS[error]) return NEXT_AUTH_ERRORS[error];
  if (/^[A-Z][A-Za-z]+$/.test(error)) return NEXT_AUTH_ERRORS.Default!;
  return error;
}
