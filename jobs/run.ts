// `npm run job -- <name> [options]` (or `npm run job:<name>`): runs one scheduled job of
// lib/jobs/registry.ts now — the same run as its cron route — and prints the JSON report.
// Exits 2 on wrong usage, 1 when the job fails (or reports a failed run), 0 otherwise.
import { formatJobList, parseJobCommand, USAGE } from "@/lib/jobs/cli";

const command = parseJobCommand(process.argv.slice(2));
if (command.kind === "list" || command.kind === "help") {
  console.log(command.kind === "help" ? `${USAGE}\n\n${formatJobList()}` : formatJobList());
  process.exit(0);
}
if (command.kind === "error") {
  process.stderr.write(`error: ${command.message}\n`);
  process.exit(2);
}

// Loaded only for a run, so that --list and usage errors need no database.
const { runCli } = await import("@/lib/db/cli");
const { runJob } = await import("@/lib/jobs/runs");
await runCli(async ({ db }) => {
  // Recorded like every run, so the Jobs page's history has it.
  const outcome = await runJob(command.job, { db, trigger: "cli", options: command.options });
  if (!outcome.ran) throw new Error("the run was not started");
  // One line for a scheduler's log; indented for a person at a terminal.
  if (outcome.report !== null) console.log(JSON.stringify(outcome.report, null, process.stdout.isTTY ? 2 : undefined));
  if (outcome.error) throw new Error(outcome.error);
});
