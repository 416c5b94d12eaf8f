import NextAuth from "next-auth";
import { nextAuthRequestProblem } from "@/lib/auth/next-auth-request";
import { authOptions } from "@/lib/auth/options";
import { publicBaseUrl } from "@/lib/config";

const nextAuth = NextAuth(authOptions) as (request: Request, context: unknown) => Promise<Response>;

function siteOrigins(request: Request): string[] {
  return [process.env.NEXTAUTH_URL, publicBaseUrl(), new URL(request.url).origin].filter((origin): origin is string => Boolean(origin));
}

async function handler(request: Request, context: unknown): Promise<Response> {
  const problem = await nextAuthRequestProblem(request, siteOrigins(request));
  if (!problem) return nextAuth(request, context);
  const response = Response.json({ error: problem.error }, { status: 400 });
  for (const name of problem.clearCookies) {
    response.headers.append("set-cookie", `${name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${name.startsWith("__Secure-") ? "; Secure" : ""}`);
  }
  return response;
}

export { handler as GET, handler as POST };
