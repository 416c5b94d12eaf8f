// A stand-in for lib/auth/session in route tests (next-auth needs Next's request context): the
// same contract as the real requireUser — 401 signed out, 403 for a viewer on a mutating method —
// for whichever user the test signs in. Use: vi.mock("@/lib/auth/session", () => import("@/tests/helpers/session")).
import type { SessionUser } from "@/lib/auth/session";
import { ApiError } from "@/lib/http/api";

export type { SessionUser };

export const session = { user: null as SessionUser | null };

export async function requireUser(request: Request): Promise<SessionUser> {
  if (!session.user) throw new ApiError(401, "Sign in to use this endpoint");
  if (["POST", "PUT", "PATCH", "DELETE"].includes(request.method) && session.user.role !== "admin") {
    throw new ApiError(403, "Your account is a viewer: ask an admin to make this change");
  }
  return session.user;
}

export const currentUser = async () => session.user;

export const actorOf = (user: SessionUser) => `user:${user.email}`;
