// `npm run job:deliver-webhooks`: the same run as GET /api/cron/webhooks, from the command line
// (for servers that schedule jobs with cron rather than HTTP).
import { runCli } from "@/lib/db/cli";
import { runWebhookCron } from "@/lib/webhooks-out/deliver";

await runCli(async ({ db }) => {
  console.log(JSON.stringify(await runWebhookCron({ db })));
});
