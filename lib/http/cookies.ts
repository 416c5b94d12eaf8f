// Reading one cookie from a request's Cookie header, for route code that gets a plain Request.

/**
 * The value of the first cookie called `name`, percent-decoded; a value that is not valid
 * percent-encoding comes back as it was sent (a client's mistake is not a server error).
 */
export function readCookie(request: Request, name: string): string | undefined {
  for (const part of (request.headers.get("cookie") ?? "").split(";")) {
    const at = part.indexOf("=");
    if (at > 0 && part.slice(0, at).trim() === name) {
      const raw = part.slice(at + 1).trim();
      try {
        return decodeURIComponent(raw);
      } catch {
        return raw;
      }
    }
  }
  return undefined;
}
