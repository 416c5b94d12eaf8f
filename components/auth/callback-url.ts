/**
 * Where to go after signing in. Only same-site paths are allowed (never `//evil.example` or an
 * absolute URL to another origin), and never back to /login itself.
 */
export function safeCallbackPath(raw: string | null | undefined, origin?: string): string {
  const fallback = "/integrations";
  if (!raw) return fallback;
  let path = raw;
  if (/^[a-z][a-z0-9+.-]*:/i.test(raw)) {
    if (!origin) return fallback;
    try {
      const url = new URL(raw);
      if (url.origin !== origin) return fallback;
      path = url.pathname + url.search + url.hash;
    } catch {
      return fallback;
    }
  }
  if (!path.startsWith("/") || path.startsWith("//") || path.startsWith("/\\")) return fallback;
  if (path === "/login" || path.startsWith("/login?") || path.startsWith("/login/")) return fallback;
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
