// `npm run job:webinar-reminders`: the same reminders as GET /api/cron/webinar-reminders. Safe to
// run again the same day: a reminder already sent (or being sent) is never sent twice.
import { runCli } from "@/lib/db/cli";
import { sendWebinarReminders } from "@/lib/webinars/reminders";

await runCli(async () => {
  console.log(JSON.stringify(await sendWebinarReminders(), null, 2));
});
