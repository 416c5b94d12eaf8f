"use client";

import * as React from "react";
import { CheckIcon, CopyIcon, KeyRoundIcon } from "lucide-react";

import { Alert, AlertDescription } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";

/**
 * Shows a signing secret the one time the server hands it out (creation or rotation). Closing the
 * dialog forgets it: Plugboard cannot show it again.
 */
export function SecretDialog({ secret, rotated, onClose }: { secret: string | null; rotated: boolean; onClose: () => void }) {
  // The secret last copied, not a flag: a new secret (another creation or rotation) starts out not copied.
  const [copiedSecret, setCopiedSecret] = React.useState<string | null>(null);
  const copied = secret !== null && copiedSecret === secret;

  return (
    <Dialog open={secret !== null} onOpenChange={(open) => !open && onClose()}>
      <DialogContent data-testid="webhook-secret-dialog" onPointerDownOutside={(e) => e.preventDefault()}>
        <DialogHeader>
          <DialogTitle className="flex items-center gap-2">
            <KeyRoundIcon aria-hidden="true" className="size-5" />
            {rotated ? "New signing secret" : "Signing secret"}
          </DialogTitle>
          <DialogDescription>
            Copy it into your receiver now — Plugboard stores it encrypted and will not show it again.
            {rotated && " The previous secret keeps signing alongside this one for 24 hours."}
          </DialogDescription>
        </DialogHeader>
        <div className="grid gap-2">
          <Label htmlFor="webhook-secret">Secret</Label>
          <div className="flex gap-2">
            <Input id="webhook-secret" readOnly value={secret ?? ""} className="font-mono text-xs" data-testid="webhook-secret" onFocus={(e) => e.currentTarget.select()} />
            <Button
              type="button"
              variant="outline"
              size="icon"
              aria-label="Copy secret"
              onClick={() => {
                if (!secret) return;
                void navigator.clipboard?.writeText(secret).then(
                  () => setCopiedSecret(secret),
                  () => setCopiedSecret(null),
                );
              }}
            >
              {copied ? <CheckIcon aria-hidden="true" /> : <CopyIcon aria-hidden="true" />}
            </Button>
          </div>
        </div>
        <Alert>
          <AlertDescription>
            <p>
              Verify each request with a Standard Webhooks library (<code>webhook-signature</code>) or the plain HMAC in <code>X-Webhook-Signature</code>; the README shows both.
            </p>
          </AlertDescription>
        </Alert>
        <DialogFooter>
          <Button onClick={onClose}>I have copied it</Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
