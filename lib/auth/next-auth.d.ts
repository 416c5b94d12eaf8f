import "next-auth";
import "next-auth/jwt";

declare module "next-auth" {
  interface Session {
    user: { id: string; email: string; name?: string | null; role: "admin" | "viewer"; workspaceName: string };
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    uid: string;
    role: "admin" | "viewer";
    workspaceId: string;
    workspaceName: string;
  }
}
