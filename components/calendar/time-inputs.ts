// Browser-side helpers for <input type="datetime-local">: values are wall-clock times in the
// browser's zone, sent to the API together with that zone.

export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

const pad = (n: number) => String(n).padStart(2, "0");

/** "2026-12-01T10:00" for a Date, in the browser's zone. */
export function toLocalInput(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** The next whole hour from now, plus `hours`. */
export function nextHour(hours = 0): Date {
  const d = new Date();
  d.setMinutes(0, 0, 0);
  d.setHours(d.getHours() + 1 + hours);
  return d;
}

export function formatTimeRange(start: string | null, end: string | null, allDay: boolean): string {
  if (!start) return "—";
  const s = new Date(start);
  if (allDay) return `${s.toLocaleDateString(undefined, { weekday: "short", month: "short", day: "numeric", timeZone: "UTC" })} · all day`;
  const day = s.toLocaleDateString(undefined, { weekday: "short", month: "short", day: "numeric" });
  const time = (d: Date) => d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  return end ? `${day} · ${time(s)}–${time(new Date(end))}` : `${day} · ${time(s)}`;
}
