// GET /api/integrations/[id]/oauth/callback — the provider sends the browser back here. A refused
// state answers a page saying why (nothing stored); otherwise back to the dashboard with a message.
import { requireUser } from "@/lib/auth/session";
import { handle, readQuery } from "@/lib/http/api";
import { bindingCookie, completeOAuth } from "@/lib/connections/oauth/flow";
import { backToDashboard, callbackQuerySchema, refusedCallbackPage } from "@/lib/connections/oauth/http";
import { readCookie } from "@/lib/http/cookies";
import { OAuthStateError } from "@/lib/connections/oauth/state";

type Context = { params: Promise<{ id: string }> };

export const dynamic = "force-dynamic";

export const GET = handle<Context>(async (request, { params }) => {
  const user = await requireUser(request);
  const { id } = await params;
  const query = readQuery(request, callbackQuerySchema);
  try {
    return backToDashboard(await completeOAuth(user, id, query, readCookie(request, bindingCookie(id).name)));
  } catch (error) {
    if (error instanceof OAuthStateError) return refusedCallbackPage(error);
    throw error;
  }
});
