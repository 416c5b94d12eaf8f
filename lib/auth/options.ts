// next-auth configuration: email + password (credentials provider) with JWT sessions.
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { isSameSiteCallback } from "@/lib/auth/callback-url";
import { getDb } from "@/lib/db/client";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { endSession, startSession } from "@/lib/auth/sessions";
import { clientAddress } from "@/lib/http/client-address";

export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

export const authOptions: NextAuthOptions = {
  secret: process.env.NEXTAUTH_SECRET,
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  pages: { signIn: "/login", error: "/login" },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, request) {
        const db = await getDb();
        const result = await signInWithPassword(db, credentials?.email ?? "", credentials?.password ?? "", clientAddress((request?.headers ?? {}) as Record<string, string>));
        // next-auth passes a thrown error's message to the sign-in page as `error`.
        if (!result.ok) throw new Error(result.message);
        return result.user;
      },
    }),
  ],
  events: {
    // Ends the session on the server: the cookie the browser drops is refused from now on, also
    // where a copy of it survives.
    async signOut({ token }) {
      if (typeof token?.sid === "string") await endSession(await getDb(), token.sid);
    },
  },
  callbacks: {
    // next-auth's default throws (a 500) on a callbackUrl URL cannot parse, such as `\\host`
    // posted with the sign-in form; anything not on this site goes to the home page instead.
    async redirect({ url, baseUrl }) {
      return isSameSiteCallback(url, baseUrl) ? new URL(url, baseUrl).href : baseUrl;
    },
    async jwt({ token, user }) {
      if (user) {
        const u = user as unknown as { id: string; role: "admin" | "viewer"; workspaceId: string; workspaceName: string };
        token.sid = await startSession(await getDb(), u.id, SESSION_MAX_AGE_SECONDS);
        token.uid = u.id;
        token.role = u.role;
        token.workspaceId = u.workspaceId;
        token.workspaceName = u.workspaceName;
      }
      return token;
    },
    async session({ session, token }) {
      session.user = {
        ...session.user,
        id: token.uid,
        sid: token.sid,
        role: token.role,
        workspaceName: token.workspaceName,
      } as typeof session.user;
      return session;
    },
  },
};
