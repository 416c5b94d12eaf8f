// GET /api/integrations/[id]/oauth/start — an admin's browser is sent to the provider's consent
// page, with a fresh single-use state and PKCE challenge. 404 unknown, 409 not configured/not OAuth.
import { requireUser } from "@/lib/auth/session";
import { handle } from "@/lib/http/api";
import { startOAuth } from "@/lib/connections/oauth/flow";
import { redirectToProvider } from "@/lib/connections/oauth/http";

type Context = { params: Promise<{ id: string }> };

export const dynamic = "force-dynamic";

export const GET = handle<Context>(async (request, { params }) => {
  const user = await requireUser(request);
  const { id } = await params;
  const { location, binding } = await startOAuth(user, id);
  return redirectToProvider(id, location, binding);
});
