// Guards every page and API route before it runs. Route handlers check the session again
// (requireUser), so a mistake here never opens an endpoint on its own.
import { getToken } from "next-auth/jwt";
import { NextResponse, type NextRequest } from "next/server";
import { config as appConfig } from "@/lib/config";
import { pathProblem } from "@/lib/http/path-rules";
import { contentSecurityPolicy, DYNAMIC_CSP_PAGES, storageConnectSources } from "@/lib/http/security-headers";
import { crossSiteProblem } from "@/lib/http/same-origin";

// Reachable without a session: sign-in and setup, health, provider webhooks (signature-checked;
// /api/mailchimp/webhooks is the Mailchimp webhook's alias, checked by the secret in its URL)
// and cron routes (CRON_SECRET-checked).
// Entries ending in "/" cover everything below them; the others match exactly.
const PUBLIC_PATHS = ["/login", "/setup", "/api/auth/", "/api/health", "/api/setup", "/api/webhooks/", "/api/mailchimp/webhooks", "/api/cron/"];

export function isPublicPath(pathname: string): boolean {
  return PUBLIC_PATHS.some((p) => (p.endsWith("/") ? pathname.startsWith(p) : pathname === p));
}
const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export async function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const badPath = pathProblem(pathname);
  if (badPath) return pathname.startsWith("/api/") ? NextResponse.json({ error: badPath }, { status: 400 }) : new NextResponse(badPath, { status: 400 });
  // A webhook path that is well formed after all goes on at once (see the matcher).
  if (pathname.startsWith("/api/webhooks/")) return NextResponse.next();
  // Before anything else, also for public routes (setup): no change from another site.
  const crossSite = pathname.startsWith("/api/") ? crossSiteProblem(request) : null;
  if (crossSite) return NextResponse.json({ error: crossSite }, { status: 403 });
  if (isPublicPath(pathname)) return NextResponse.next();
  const token = await getToken({ req: request, secret: process.env.NEXTAUTH_SECRET });
  const isApi = pathname.startsWith("/api/");
  if (!token) {
    if (isApi) return NextResponse.json({ error: "Sign in to use this endpoint" }, { status: 401 });
    const login = new URL("/login", request.url);
    login.searchParams.set("callbackUrl", pathname + search);
    return NextResponse.redirect(login);
  }
  if (isApi && MUTATING.has(request.method) && token.role !== "admin") {
    return NextResponse.json({ error: "Your account is a viewer: ask an admin to make this change" }, { status: 403 });
  }
  const response = NextResponse.next();
  if (DYNAMIC_CSP_PAGES.includes(pathname)) {
    const connectSources = storageConnectSources(appConfig().WEBHOOK_ALLOW_HTTP_HOSTS);
    response.headers.set("Content-Security-Policy", contentSecurityPolicy({ dev: process.env.NODE_ENV !== "production", connectSources }));
  }
  return response;
}

export const config = {
  // Everything except Next's assets, public files and provider webhooks, which are public anyway
  // and signature-checked by their handlers: skipping the proxy makes their acknowledgements about
  // a fifth faster (bench/webhook-ingest). A webhook path with a percent sign still comes here, for
  // pathProblem: none of Plugboard's webhook URLs has one, and Next answers a malformed one with a 500.
  //
  // The upload route (exactly /api/storage/files) is skipped too: Next hands the proxy a copy of the
  // request body, buffering it whole and cutting it at 10 MB, and uploads are streamed. Its handler
  // makes the same checks (requireUser: session, origin, admin role).
  matcher: ["/((?!_next/static|_next/image|favicon.ico|favicon.svg|providers/|api/webhooks/|api/storage/files$|.*\\.(?:svg|png|jpg|ico|webp)$).*)", "/api/webhooks/(.*%.*)"],
};
