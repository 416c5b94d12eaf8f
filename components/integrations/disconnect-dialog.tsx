"use client";

import * as React from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { CircleAlertIcon, LoaderCircleIcon } from "lucide-react";

import { apiFetch, errorMessage } from "@/components/api/client";
import { queryKeys } from "@/components/api/queries";
import type { IntegrationStatus, Provider } from "@/components/api/types";
import { mergeStatus } from "@/components/integrations/credentials-dialog";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { AlertDialog, AlertDialogCancel, AlertDialogContent, AlertDialogDescription, AlertDialogFooter, AlertDialogHeader, AlertDialogTitle } from "@/components/ui/alert-dialog";
import { Button } from "@/components/ui/button";

export function DisconnectDialog({
  provider,
  connection,
  open,
  onOpenChange,
  onDisconnected,
}: {
  provider: Provider;
  /** The connection to disconnect; its account is named when the provider has several. */
  connection: { id: string; accountLabel: string | null; named: boolean };
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** `revoke`: whether the provider revoked the grant ("failed": it stays listed in the account's connected apps). */
  onDisconnected?: (answer: { revoke?: string }) => void;
}) {
  const queryClient = useQueryClient();
  const mutation = useMutation({
    mutationFn: () => apiFetch<{ ok: true; status: IntegrationStatus; revoke?: string }>(`/api/connections/${encodeURIComponent(connection.id)}`, { method: "DELETE" }),
    onSuccess: (answer) => {
      mergeStatus(queryClient, answer.status, true);
      void queryClient.invalidateQueries({ queryKey: queryKeys.status });
      onDisconnected?.(answer);
      onOpenChange(false);
    },
  });

  const { reset } = mutation;
  React.useEffect(() => {
    if (open) reset();
  }, [open, reset]);

  return (
    <AlertDialog
      open={open}
      onOpenChange={(next) => {
        if (!next && mutation.isPending) return;
        onOpenChange(next);
      }}
    >
      <AlertDialogContent data-testid={`disconnect-dialog-${provider.id}`}>
        <AlertDialogHeader>
          <AlertDialogTitle>Disconnect {provider.name}?</AlertDialogTitle>
          <AlertDialogDescription>
            {connection.named && connection.accountLabel && (
              <>
                Account: <span className="font-medium text-foreground">{connection.accountLabel}</span>.{" "}
              </>
            )}
            Plugboard deletes the stored credentials and stops calling {connection.named ? "this account" : provider.name} for this workspace
            {connection.named ? `; the other ${provider.name} accounts stay connected` : ""}. Past activity stays in the log. You can connect again at any time.
          </AlertDialogDescription>
        </AlertDialogHeader>
        {mutation.isError && (
          <Alert variant="destructive">
            <CircleAlertIcon aria-hidden="true" />
            <AlertDescription>
              <p>{errorMessage(mutation.error)}</p>
            </AlertDescription>
          </Alert>
        )}
        <AlertDialogFooter>
          <AlertDialogCancel disabled={mutation.isPending}>Cancel</AlertDialogCancel>
          {/* Not an AlertDialogAction: that closes at once, before the answer is known. */}
          <Button variant="destructive" disabled={mutation.isPending} onClick={() => mutation.mutate()} aria-label="Disconnect" data-testid={`disconnect-confirm-${provider.id}`}>
            {mutation.isPending && <LoaderCircleIcon aria-hidden="true" className="animate-spin" />}
            {mutation.isPending ? "Disconnecting…" : "Disconnect"}
          </Button>
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}
