// `npm run job:inbound-webhooks`: the same retry of failed inbound webhook events as GET /api/cron/inbound-webhooks.
import { runCli } from "@/lib/db/cli";
import { retryInboundEvents } from "@/lib/webhooks-in/store";

await runCli(async ({ db }) => {
  console.log(JSON.stringify(await retryInboundEvents(db)));
});
