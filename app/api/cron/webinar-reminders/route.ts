import { handle, json } from "@/lib/http/api";
import { requireCronSecret } from "@/lib/http/cron";
import { sendWebinarReminders } from "@/lib/webinars/reminders";

export const dynamic = "force-dynamic";
export const maxDuration = 300;

export const GET = handle(async (request) => {
  requireCronSecret(request);
  return json(await sendWebinarReminders());
});
