// Stands in for lib/auth/session in route tests (next-auth needs Next's request context):
//   vi.mock("@/lib/auth/session", () => import("@/tests/helpers/fake-session"));
// then set `auth.user` to the signed-in user (null: signed out). Same contract as the real
// requireUser: 401 signed out, 403 for a viewer on a mutating method.
import type { SessionUser } from "@/lib/auth/session";
import { ApiError } from "@/lib/http/api";

export type { Role, SessionUser } from "@/lib/auth/session";

export const auth = { user: null as SessionUser | null };

export async function requireUser(request: Request): Promise<SessionUser> {
  if (!auth.user) throw new ApiError(401, "Sign in to use this endpoint");
  if (["POST", "PUT", "PATCH", "DELETE"].includes(request.method) && auth.user.role !== "admin") {
    throw new ApiError(403, "Your account is a viewer: ask an admin to make this change");
  }
  return auth.user;
}

export async function currentUser(): Promise<SessionUser | null> {
  return auth.user;
}

export function actorOf(user: SessionUser): string {
  return `user:${user.email}`;
}
