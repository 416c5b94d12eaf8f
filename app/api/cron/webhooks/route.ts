// GET /api/cron/webhooks — Vercel Cron, every minute: sends the outgoing webhooks that are due
// (first attempts that missed their after-response run, and retries), then prunes old history.
import { handle, json } from "@/lib/http/api";
import { requireCronSecret } from "@/lib/http/cron";
import { runWebhookCron } from "@/lib/webhooks-out/deliver";

export const dynamic = "force-dynamic";
// The run stops claiming after ~50 s, within this limit.
export const maxDuration = 60;

export const GET = handle(async (request) => {
  requireCronSecret(request);
  return json(await runWebhookCron());
});
