// `npm run job:health-check`: the same run as GET /api/cron/health-check, from the command line.
import { runCli } from "@/lib/db/cli";
import { runHealthCheck } from "@/lib/health/check";

await runCli(async ({ db }) => {
  console.log(JSON.stringify(await runHealthCheck(db)));
});
