"use client";

import { KeyRoundIcon } from "lucide-react";

import { Alert, AlertDescription } from "@/components/ui/alert";
import { CopyField } from "@/components/copy-field";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Label } from "@/components/ui/label";

/**
 * Shows a signing secret the one time the server hands it out (creation or rotation). Closing the
 * dialog forgets it: Plugboard cannot show it again.
 */
export function SecretDialog({ secret, rotated, onClose }: { secret: string | null; rotated: boolean; onClose: () => void }) {
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
          <CopyField id="webhook-secret" value={secret ?? ""} copyLabel="Copy secret" testId="webhook-secret" />
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
