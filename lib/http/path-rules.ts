// Paths that no route can serve. Next decodes dynamic segments before a handler runs and answers a
// malformed one (`%ff`, an overlong `%C0%AF`) with a bare 500; a NUL or other control character
// decodes fine but reaches PostgreSQL, which refuses it in text, as another 500. The proxy answers
// both with a 400 before any route sees them.

// C0 controls and DEL: never part of an id, a provider name or a job name.
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Why `pathname` (as received, percent-encoded) cannot be a Plugboard path; null when it can. */
export function pathProblem(pathname: string): string | null {
  for (const segment of pathname.split("/")) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return "The address is not valid: a part of its path is not valid percent-encoded UTF-8";
    }
    if (CONTROL.test(decoded)) return "The address is not valid: its path contains a control character";
  }
  return null;
}
