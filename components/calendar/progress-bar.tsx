import { cn } from "@/lib/utils";

/** done/total as a bar; failures show as a red share at the end of the done part. */
export function ProgressBar({ done, total, failed = 0, label, className }: { done: number; total: number; failed?: number; label: string; className?: string }) {
  const pct = (n: number) => (total === 0 ? 100 : Math.min(100, (n / total) * 100));
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={total}
      aria-valuenow={done}
      aria-valuetext={`${done} of ${total}${failed ? `, ${failed} failed` : ""}`}
      className={cn("relative h-2.5 w-full overflow-hidden rounded-full bg-muted", className)}
    >
      <div className="absolute inset-y-0 left-0 bg-primary transition-[width] duration-500" style={{ width: `${pct(done - failed)}%` }} />
      <div className="absolute inset-y-0 bg-destructive transition-[width,left] duration-500" style={{ left: `${pct(done - failed)}%`, width: `${pct(failed)}%` }} />
    </div>
  );
}
