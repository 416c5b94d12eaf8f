// Wall-clock arithmetic in IANA time zones with Intl only (no Temporal on Node 20, no library):
// converting "09:00 on 2026-03-29 in Europe/Berlin" to an instant and back, correct across
// daylight-saving changes. Local dates are "YYYY-MM-DD" strings; instants are epoch milliseconds.

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True for a time zone name Intl knows (IANA names such as "Europe/Berlin", and "UTC"). */
export function isValidTimeZone(timeZone: string): boolean {
  if (!timeZone || timeZone.length > 64) return false;
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall clock in `timeZone` at an instant. */
export function wallClockAt(instant: number, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(instant))) if (p.type !== "literal") parts[p.type] = Number(p.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour! % 24, minute: parts.minute!, second: parts.second! };
}

function measuredOffset(instant: number, timeZone: string): number {
  const w = wallClockAt(instant, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

const HOUR_MS = 3_600_000;
// Intl is slow (a batch of 2,000 events asks thousands of times), so offsets are remembered per
// zone and hour — only for hours whose start and end have the same offset, i.e. no change inside.
const offsetCache = new Map<string, number | null>();

/** How far `timeZone` is ahead of UTC at an instant, in ms (Berlin in summer: +7,200,000). */
export function offsetAt(instant: number, timeZone: string): number {
  const hour = Math.floor(instant / HOUR_MS);
  const key = `${timeZone}|${hour}`;
  let cached = offsetCache.get(key);
  if (cached === undefined) {
    const start = measuredOffset(hour * HOUR_MS, timeZone);
    cached = measuredOffset((hour + 1) * HOUR_MS - 1000, timeZone) === start ? start : null;
    if (offsetCache.size > 50_000) offsetCache.clear();
    offsetCache.set(key, cached);
  }
  return cached ?? measuredOffset(instant, timeZone);
}

/**
 * The instant a wall-clock time in `timeZone` names. Like Temporal's "compatible" choice: a time
 * that happens twice (clocks going back) is the earlier one; a time that never happens (clocks
 * going forward) moves forward by the gap (02:30 on a spring-forward night is 03:30).
 */
export function zonedToInstant(date: string, time: string, timeZone: string): number {
  const d = parseDate(date);
  const t = parseTime(time);
  const local = Date.UTC(d.year, d.month - 1, d.day, t.hour, t.minute);
  // At most one transition lies within a day of any time, so the offsets a day either side are
  // the only two candidates.
  const before = offsetAt(local - DAY_MS, timeZone);
  const after = offsetAt(local + DAY_MS, timeZone);
  const valid = [...new Set([local - before, local - after])].filter((instant) => instant + offsetAt(instant, timeZone) === local);
  if (valid.length) return Math.min(...valid);
  return local - before;
}

/** Midnight starting a local date, as an instant. */
export function startOfDay(date: string, timeZone: string): number {
  return zonedToInstant(date, "00:00", timeZone);
}

/** The local date ("YYYY-MM-DD") in `timeZone` at an instant. */
export function localDate(instant: number, timeZone: string): string {
  const w = wallClockAt(instant, timeZone);
  return formatDate(w.year, w.month, w.day);
}

/** The local time ("HH:MM") in `timeZone` at an instant. */
export function localTime(instant: number, timeZone: string): string {
  const w = wallClockAt(instant, timeZone);
  return `${pad(w.hour)}:${pad(w.minute)}`;
}

/** "2026-03-29T09:00:00" — the wall clock without an offset, as calendar APIs take it beside a timeZone. */
export function localDateTime(instant: number, timeZone: string): string {
  const w = wallClockAt(instant, timeZone);
  return `${formatDate(w.year, w.month, w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
}

/** "+02:00": how far `timeZone` is ahead of UTC at an instant, as RFC 3339 writes it. */
export function offsetText(instant: number, timeZone: string): string {
  const minutes = Math.round(offsetAt(instant, timeZone) / 60_000);
  const sign = minutes < 0 ? "-" : "+";
  return `${sign}${pad(Math.floor(Math.abs(minutes) / 60))}:${pad(Math.abs(minutes) % 60)}`;
}

/**
 * "2026-10-25T02:30:00+02:00": the wall clock with its offset. Unambiguous also in the hour that
 * repeats when clocks go back, where the wall clock alone names two instants.
 */
export function localDateTimeWithOffset(instant: number, timeZone: string): string {
  return `${localDateTime(instant, timeZone)}${offsetText(instant, timeZone)}`;
}

/** The wall clock at `instant` shows twice in `timeZone` (the repeated hour when clocks go back). */
export function isRepeatedWallClock(instant: number, timeZone: string): boolean {
  const wall = localDateTime(instant, timeZone);
  return [-60, -30, 30, 60].some((minutes) => localDateTime(instant + minutes * 60_000, timeZone) === wall);
}

export function addDays(date: string, days: number): string {
  const d = parseDate(date);
  const next = new Date(Date.UTC(d.year, d.month - 1, d.day) + days * DAY_MS);
  return formatDate(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate());
}

/** ISO weekday of a local date: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: string): number {
  const d = parseDate(date);
  const js = new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay();
  return js === 0 ? 7 : js;
}

export function isValidDate(date: string): boolean {
  const m = DATE.exec(date);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const check = new Date(Date.UTC(y, mo - 1, d));
  return check.getUTCFullYear() === y && check.getUTCMonth() === mo - 1 && check.getUTCDate() === d;
}

export function isValidTime(time: string): boolean {
  return TIME.test(time);
}

/** Minutes since midnight of "HH:MM". */
export function minutesOf(time: string): number {
  const t = parseTime(time);
  return t.hour * 60 + t.minute;
}

function parseDate(date: string) {
  const m = DATE.exec(date);
  if (!m) throw new RangeError(`Not a date (YYYY-MM-DD): ${date}`);
  return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
}

function parseTime(time: string) {
  const m = TIME.exec(time);
  if (!m) throw new RangeError(`Not a time (HH:MM): ${time}`);
  return { hour: Number(m[1]), minute: Number(m[2]) };
}

const pad = (n: number) => String(n).padStart(2, "0");

function formatDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, "0")}-${pad(month)}-${pad(day)}`;
}

/**
 * A date-time a person typed, read as an instant: with an offset or "Z" it is exact; without
 * one ("2026-12-01T10:00") it is the wall clock in `timeZone`. Null when unreadable.
 */
export function parseDateTimeIn(value: string, timeZone: string): number | null {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(value.trim());
  if (!m || !isValidDate(m[1]!) || !isValidTime(m[2]!)) return null;
  const seconds = Number(m[3] ?? 0);
  if (seconds > 59) return null;
  if (m[4]) {
    const at = Date.parse(value.trim().replace(" ", "T"));
    return Number.isNaN(at) ? null : at;
  }
  return zonedToInstant(m[1]!, m[2]!, timeZone) + seconds * 1000;
}
