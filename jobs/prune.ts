// `npm run job:prune`: the same housekeeping as GET /api/cron/prune, from the command line.
import { runCli } from "@/lib/db/cli";
import { pruneOldRecords } from "@/lib/jobs/prune";

await runCli(async ({ db }) => {
  console.log(JSON.stringify(await pruneOldRecords(db)));
});
