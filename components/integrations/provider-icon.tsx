"use client";

import * as React from "react";

import { cn } from "@/lib/utils";

/** The provider's logo from /public, or its initials on a tinted tile when the file is missing. */
export function ProviderIcon({ src, name, className }: { src: string | undefined; name: string; className?: string }) {
  const [failed, setFailed] = React.useState(false);
  const initials = name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]!.toUpperCase())
    .join("");

  return (
    <span aria-hidden="true" className={cn("flex size-10 shrink-0 items-center justify-center overflow-hidden rounded-lg border bg-background", className)}>
      {src && !failed ? (
        // eslint-disable-next-line @next/next/no-img-element -- small local SVGs, no optimisation needed
        <img src={src} alt="" width={24} height={24} className="size-6 object-contain" onError={() => setFailed(true)} />
      ) : (
        <span className="text-sm font-semibold text-muted-foreground">{initials || "?"}</span>
      )}
    </span>
  );
}
