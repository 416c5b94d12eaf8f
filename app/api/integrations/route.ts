// GET /api/integrations — the provider catalog: every manifest as data (no code, no schemas), with
// each OAuth provider's setup on this deployment (configured or not, and its redirect URI).
import { requireUser } from "@/lib/auth/session";
import { handle, json } from "@/lib/http/api";
import { deploymentCatalog } from "@/lib/connections/oauth/setup";

export const GET = handle(async (request) => {
  await requireUser(request);
  return json({ providers: deploymentCatalog() });
});
