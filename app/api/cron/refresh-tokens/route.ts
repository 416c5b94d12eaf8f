// GET /api/cron/refresh-tokens — Vercel Cron, hourly, `Authorization: Bearer $CRON_SECRET`: refreshes
// every OAuth token that is due (the same function as `npm run job:refresh-tokens`) and answers the report.
import { handle, json } from "@/lib/http/api";
import { requireCronSecret } from "@/lib/http/cron";
import { refreshDueTokens } from "@/lib/connections/oauth/refresh";

export const dynamic = "force-dynamic";
// Refresh runs can take a while with many connections; Vercel's limit for cron functions.
export const maxDuration = 300;

export const GET = handle(async (request) => {
  requireCronSecret(request);
  return json(await refreshDueTokens({ actor: "cron" }));
});
