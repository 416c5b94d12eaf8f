"use client";

import * as React from "react";

import { cn } from "@/lib/utils";

// One shared 30-second clock for every relative time on the page.
let now = Date.now();
let timer: ReturnType<typeof setInterval> | undefined;
const listeners = new Set<() => void>();

function subscribe(listener: () => void) {
  if (listeners.size === 0) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      listeners.forEach((l) => l());
    }, 30_000);
  }
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

export function useNow(): number | null {
  return React.useSyncExternalStore(
    subscribe,
    () => now,
    () => null,
  );
}

const relativeFormat = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

export function formatRelative(date: Date, nowMs: number): string {
  const seconds = (date.getTime() - nowMs) / 1000;
  const abs = Math.abs(seconds);
  // The shared clock ticks every 30 s, so a timestamp the server just wrote can look a few
  // seconds "in the future": anything within 45 s either way reads as now.
  if (abs < 45) return "just now";
  for (const [unit, size] of UNITS) {
    if (abs >= size * 0.9 || unit === "minute") {
      return relativeFormat.format(Math.round(seconds / size), unit);
    }
  }
  return relativeFormat.format(Math.round(seconds / 60), "minute");
}

export function formatAbsolute(date: Date): string {
  return date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "long" });
}

export function formatShortDateTime(date: Date): string {
  return date.toLocaleString(undefined, {
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
}

/** "5 minutes ago", with the absolute date and time in the title (hover) attribute. */
export function RelativeTime({ value, className, fallback = "never" }: { value: string | null | undefined; className?: string; fallback?: string }) {
  const current = useNow();
  if (!value) return <span className={cn("text-muted-foreground", className)}>{fallback}</span>;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return <span className={className}>{value}</span>;
  return (
    <time dateTime={date.toISOString()} title={formatAbsolute(date)} className={className} suppressHydrationWarning>
      {current === null ? formatShortDateTime(date) : formatRelative(date, current)}
    </time>
  );
}

export function formatNumber(value: number | string): string {
  return typeof value === "number" ? value.toLocaleString() : value;
}
