const UNITS = ["KB", "MB", "GB", "TB"] as const;

/** A size for people: "912 B", "8.5 MB", "340 MB" (1 KB = 1024 bytes, as file managers count). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return "—";
  if (bytes < 1024) return `${bytes} B`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  // One decimal while it tells something (under 10), none above; "10.0 MB" reads as 10 MB.
  const rounded = value < 10 ? Math.round(value * 10) / 10 : Math.round(value);
  if (rounded >= 1024 && unit < UNITS.length - 1) return `1 ${UNITS[unit + 1]}`;
  return `${rounded.toLocaleString("en")} ${UNITS[unit]}`;
}

/** "12 files · 340 MB" */
export function formatUsage(usage: { files: number; bytes: number }): string {
  return `${usage.files.toLocaleString("en")} ${usage.files === 1 ? "file" : "files"} · ${formatBytes(usage.bytes)}`;
}
