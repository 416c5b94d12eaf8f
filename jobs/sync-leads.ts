// `npm run job:sync-leads [-- --batch-size N]`: the same lead export as GET /api/cron/sync-leads,
// for every workspace with Odoo connected. Prints the report as JSON; exits 1 if a run failed.
import { runCli } from "@/lib/db/cli";
import { exportLeadsForAllWorkspaces } from "@/lib/odoo-sync";

const at = process.argv.indexOf("--batch-size");
const batchSize = at > 0 ? Number(process.argv[at + 1]) : undefined;
if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize >= 1 && batchSize <= 1000)) {
  process.stderr.write("error: --batch-size takes a whole number from 1 to 1000\n");
  process.exit(2);
}

await runCli(async () => {
  const report = await exportLeadsForAllWorkspaces({ batchSize });
  console.log(JSON.stringify(report, null, 2));
  if (report.workspaces.some((w) => w.report?.status === "failed")) throw new Error("a lead export run failed; its reasons are in the report above");
});
