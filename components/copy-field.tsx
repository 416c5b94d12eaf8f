"use client";

import * as React from "react";
import { CheckIcon, CopyIcon } from "lucide-react";

import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";

/** A read-only value (a secret, a URL) with a button that copies it; the check mark shows until the value changes. */
export function CopyField({ id, value, copyLabel, testId }: { id: string; value: string; copyLabel: string; testId?: string }) {
  // The value last copied, not a flag: a new value starts out not copied.
  const [copiedValue, setCopiedValue] = React.useState<string | null>(null);
  const copied = value !== "" && copiedValue === value;
  return (
    <div className="flex gap-2">
      <Input id={id} readOnly value={value} className="font-mono text-xs" data-testid={testId} onFocus={(e) => e.currentTarget.select()} />
      <Button
        type="button"
        variant="outline"
        size="icon"
        aria-label={copyLabel}
        onClick={() => {
          if (!value) return;
          void navigator.clipboard?.writeText(value).then(
            () => setCopiedValue(value),
            () => setCopiedValue(null),
          );
        }}
      >
        {copied ? <CheckIcon aria-hidden="true" /> : <CopyIcon aria-hidden="true" />}
      </Button>
    </div>
  );
}
