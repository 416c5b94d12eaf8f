// The session seam for route tests. next-auth needs Next's request context, which a route handler
// called directly does not have, so tests replace lib/auth/session with this module:
//
//   vi.mock("@/lib/auth/session", () => import("@/tests/helpers/session-mock").then((m) => m.sessionModule));
//
// and sign in by setting `signedInAs.user`. Same contract as the real requireUser: 401 signed out,
// 403 for a viewer on a mutating method.
import type { SessionUser } from "@/lib/auth/session";
import { ApiError } from "@/lib/http/api";

export const signedInAs: { user: SessionUser | null } = { user: null };

export const sessionModule = {
  requireUser: async (request: Request) => {
    const user = signedInAs.user;
    if (!user) throw new ApiError(401, "Sign in to use this endpoint");
    if (["POST", "PUT", "PATCH", "DELETE"].includes(request.method) && user.role !== "admin") {
      throw new ApiError(403, "Your account is a viewer: ask an admin to make this change");
    }
    return user;
  },
  currentUser: async () => signedInAs.user,
  actorOf: (user: SessionUser) => `user:${user.email}`,
};
