// Cron expressions in words, for the README's job table and `npm run job -- --list`. Only the shapes
// the registry uses are understood (fixed or stepped minutes and hours, every day); anything else
// throws, so a new schedule gets its words added here rather than a wrong description.
const STEP = /^\*\/(\d+)$/;
const NUMBER = /^\d+$/;

type Field = { kind: "any" } | { kind: "step"; every: number } | { kind: "at"; value: number };

function field(text: string, max: number, what: string, expression: string): Field {
  if (text === "*") return { kind: "any" };
  const step = STEP.exec(text);
  const value = Number(step ? step[1] : text);
  if ((!step && !NUMBER.test(text)) || value > max || (step && value < 1))
    throw new Error(`Cron schedule "${expression}": the ${what} field "${text}" is not "*", "*/n" or a number from 0 to ${max}`);
  return step ? { kind: "step", every: value } : { kind: "at", value };
}

const pad = (n: number) => String(n).padStart(2, "0");

/** "every 15 minutes", "hourly at :07", "daily at 03:17 UTC", … (Vercel runs cron schedules in UTC). */
export function describeSchedule(expression: string): string {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) throw new Error(`Cron schedule "${expression}" needs 5 fields (minute hour day-of-month month day-of-week)`);
  const [minuteText, hourText, ...days] = parts as [string, string, string, string, string];
  if (days.some((d) => d !== "*"))
    throw new Error(`Cron schedule "${expression}": only daily schedules are described (day-of-month, month and day-of-week "*"); add the words in lib/jobs/schedule.ts`);
  const minute = field(minuteText, 59, "minute", expression);
  const hour = field(hourText, 23, "hour", expression);
  if (hour.kind === "any") {
    if (minute.kind === "any") return "every minute";
    if (minute.kind === "step") return minute.every === 1 ? "every minute" : `every ${minute.every} minutes`;
    return `hourly at :${pad(minute.value)}`;
  }
  if (minute.kind !== "at") throw new Error(`Cron schedule "${expression}": a stepped or "*" minute within chosen hours is not described; add the words in lib/jobs/schedule.ts`);
  if (hour.kind === "step" && hour.every === 1) return `hourly at :${pad(minute.value)}`;
  if (hour.kind === "step") {
    // "*/5" runs at 0, 5, 10, 15 and 20 h, so the gap past midnight is shorter: name the times when few.
    const times = Array.from({ length: Math.ceil(24 / hour.every) }, (_, i) => `${pad(i * hour.every)}:${pad(minute.value)}`);
    return times.length <= 6 ? `every ${hour.every} hours (${times.join(", ")} UTC)` : `every ${hour.every} hours at :${pad(minute.value)}, from 00:${pad(minute.value)} UTC`;
  }
  return `daily at ${pad(hour.value)}:${pad(minute.value)} UTC`;
}
