import "next-auth";
import "next-auth/jwt";

declare module "next-auth" {
  interface Session {
    user: { id: string; email: string; name?: string | null; role: "admin" | "viewer"; workspaceName: string; sid?: string };
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    uid: string;
    /** The server-side session (AuthSession) this cookie belongs to. */
    sid?: string;
    role: "admin" | "viewer";
    workspaceId: string;
    workspaceName: string;
  }
}
