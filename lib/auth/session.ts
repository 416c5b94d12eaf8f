// Who is asking: the signed-in user's id, workspace and role, checked against the database on
// every API request so a deleted user or a changed role takes effect at once.
import { getServerSession } from "next-auth";
import { authOptions } from "@/lib/auth/options";
import { getDb } from "@/lib/db/client";
import { openSession } from "@/lib/auth/sessions";
import { ApiError } from "@/lib/http/api";
import { crossSiteProblem } from "@/lib/http/same-origin";

export type Role = "admin" | "viewer";

export interface SessionUser {
  userId: string;
  email: string;
  workspaceId: string;
  role: Role;
}

const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export async function currentUser(): Promise<SessionUser | null> {
  const session = await getServerSession(authOptions);
  const { id: userId, sid } = (session?.user as { id?: string; sid?: string } | undefined) ?? {};
  // A cookie from before server-side sessions (no sid) signs in again.
  if (!userId || !sid) return null;
  const db = await getDb();
  // One query: the user, and whether the cookie's session is still open (not signed out or expired).
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { id: true, email: true, workspaceId: true, role: true, sessions: { where: openSession(sid), select: { id: true } } },
  });
  if (!user || user.sessions.length === 0) return null;
  return { userId: user.id, email: user.email, workspaceId: user.workspaceId, role: user.role };
}

/**
 * The signed-in user, or a 401. Requests that change something (POST, PUT, PATCH, DELETE) also
 * need the admin role: a viewer gets a 403.
 */
export async function requireUser(request: Request): Promise<SessionUser> {
  // The proxy refuses cross-site changes first; checked again here so no route depends on it alone.
  const crossSite = crossSiteProblem(request);
  if (crossSite) throw new ApiError(403, crossSite);
  const user = await currentUser();
  if (!user) throw new ApiError(401, "Sign in to use this endpoint");
  if (MUTATING.has(request.method.toUpperCase()) && user.role !== "admin") {
    throw new ApiError(403, "Your account is a viewer: ask an admin to make this change");
  }
  return user;
}

export { actorOf } from "@/lib/auth/actor";
