// The command line of jobs/run.ts: `npm run job -- <name> [options]`, `npm run job -- --list`.
// Parsing is kept apart from running so that it is tested without a database or a process.
import { describeSchedule } from "@/lib/jobs/schedule";
import { cronPath, findJob, JOBS, type Job } from "@/lib/jobs/registry";

export type JobCommand =
  | { kind: "list" }
  | { kind: "help" }
  | { kind: "run"; job: Job; options: Record<string, unknown> }
  /** Wrong usage: the message goes to stderr and the process exits 2. */
  | { kind: "error"; message: string };

export const USAGE = [
  "usage: npm run job -- <name> [options]   run one scheduled job now and print its JSON report",
  "       npm run job -- --list             the jobs, their schedules, cron routes and options",
].join("\n");

export function parseJobCommand(args: readonly string[]): JobCommand {
  // npm passes a second `--` through when someone types one too many; it separates nothing here.
  const rest = args.filter((arg) => arg !== "--");
  if (rest.includes("--help") || rest.includes("-h")) return { kind: "help" };
  if (rest.includes("--list")) return rest.length === 1 ? { kind: "list" } : { kind: "error", message: "--list takes no job name or options" };
  const [name, ...flags] = rest;
  if (!name) return { kind: "error", message: `name a job to run\n${USAGE}` };
  if (name.startsWith("-")) return { kind: "error", message: `name the job before its options (${name})\n${USAGE}` };
  const job = findJob(name);
  if (!job) return { kind: "error", message: `no job named "${name}"; the jobs are ${JOBS.map((j) => j.name).join(", ")}` };

  const declared = Object.entries(job.options ?? {});
  const options: Record<string, unknown> = {};
  for (let i = 0; i < flags.length; i++) {
    const arg = flags[i]!;
    const [flag, inline] = arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const entry = declared.find(([, option]) => option.flag === flag);
    if (!entry) {
      const known = declared.length ? `its options are ${declared.map(([, o]) => `${o.flag} ${o.value}`).join(", ")}` : "it takes no options";
      return { kind: "error", message: `${job.name} does not know ${arg.startsWith("-") ? "the option " : "the argument "}${flag}; ${known}` };
    }
    const [key, option] = entry;
    if (key in options) return { kind: "error", message: `${option.flag} is given twice` };
    const value = inline ?? flags[++i];
    if (value === undefined) return { kind: "error", message: `${option.flag} needs a value (${option.value})` };
    const parsed = option.parse.safeParse(value);
    if (!parsed.success) return { kind: "error", message: `${option.flag} ${parsed.error.issues[0]?.message ?? "has a wrong value"}` };
    options[key] = parsed.data;
  }
  return { kind: "run", job, options };
}

/** `npm run job -- --list`: one block per job, in the registry's order. */
export function formatJobList(): string {
  const plain = (text: string) => text.replace(/`/g, "");
  const width = Math.max(...JOBS.map((job) => job.name.length));
  return JOBS.map((job) => {
    const lines = [`${job.name.padEnd(width)}  ${job.schedule.padEnd(13)}  ${describeSchedule(job.schedule)}; GET ${cronPath(job)}`, `  ${plain(job.description)}`];
    for (const option of Object.values(job.options ?? {})) lines.push(`  ${option.flag} ${option.value}: ${plain(option.description)}`);
    return lines.join("\n");
  }).join("\n\n");
}
