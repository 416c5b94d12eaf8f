// Who did something, as activity and audit entries record it. Apart from session.ts so that code
// run outside Next (the jobs/ CLIs) can use it without loading next-auth.
import type { SessionUser } from "@/lib/auth/session";

/** The actor string recorded in activity and audit entries. */
export function actorOf(user: Pick<SessionUser, "email">): string {
  return `user:${user.email}`;
}
