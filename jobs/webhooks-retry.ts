// `npm run job:webhooks-retry`: the same retry of failed inbound webhook events as GET /api/cron/webhooks-retry.
import { runCli } from "@/lib/db/cli";
import { retryInboundEvents } from "@/lib/webhooks-in/store";

await runCli(async ({ db }) => {
  console.log(JSON.stringify(await retryInboundEvents(db)));
});
