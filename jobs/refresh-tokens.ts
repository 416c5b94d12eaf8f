// `npm run job:refresh-tokens`: the same token refresh as GET /api/cron/refresh-tokens, from the
// command line; prints the JSON report.
import { runCli } from "@/lib/db/cli";
import { refreshDueTokens } from "@/lib/connections/oauth/refresh";

await runCli(async ({ db }) => {
  console.log(JSON.stringify(await refreshDueTokens({ db, actor: "job" })));
});
