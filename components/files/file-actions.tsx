"use client";

import * as React from "react";
import { useMutation } from "@tanstack/react-query";
import { CheckIcon, CircleAlertIcon, DownloadIcon, LinkIcon, LoaderCircleIcon, Trash2Icon } from "lucide-react";

import { apiFetch, errorMessage } from "@/components/api/client";
import type { FileView, SignedLinkResponse } from "@/components/files/types";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { AlertDialog, AlertDialogCancel, AlertDialogContent, AlertDialogDescription, AlertDialogFooter, AlertDialogHeader, AlertDialogTitle } from "@/components/ui/alert-dialog";
import { Button } from "@/components/ui/button";

/** How long a copied link works: the longest the API signs. */
export const SHARE_LINK_SECONDS = 7 * 24 * 3600;

const linkOf = (id: string, expiresSeconds?: number) =>
  apiFetch<SignedLinkResponse>(`/api/storage/files/${encodeURIComponent(id)}/url${expiresSeconds ? `?expires=${expiresSeconds}` : ""}`);

/**
 * Download, copy a week-long link, and (admins) delete. Failures go to `onProblem`, one place on
 * the page, rather than into each row.
 */
export function FileActions({
  file,
  canEdit,
  onDelete,
  onProblem,
  onNotice,
}: {
  file: FileView;
  canEdit: boolean;
  onDelete: (file: FileView) => void;
  onProblem: (message: string) => void;
  onNotice: (message: string) => void;
}) {
  const [copied, setCopied] = React.useState(false);
  const download = useMutation({
    mutationFn: () => linkOf(file.id),
    onSuccess: ({ url }) => window.location.assign(url),
    onError: (error) => onProblem(`Could not download ${file.name}: ${errorMessage(error)}`),
  });
  const copy = useMutation({
    mutationFn: async () => {
      const { url, expiresAt } = await linkOf(file.id, SHARE_LINK_SECONDS);
      if (!navigator.clipboard) throw new Error("this browser gives the page no clipboard (it needs HTTPS)");
      await navigator.clipboard.writeText(url);
      return expiresAt;
    },
    onSuccess: (expiresAt) => {
      setCopied(true);
      onNotice(`Link to ${file.name} copied; it works until ${new Date(expiresAt).toLocaleString()}.`);
    },
    onError: (error) => onProblem(`Could not copy a link to ${file.name}: ${errorMessage(error)}`),
  });
  React.useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 2000);
    return () => clearTimeout(timer);
  }, [copied]);

  return (
    <div className="flex items-center justify-end gap-1">
      <Button variant="ghost" size="icon" className="size-8" aria-label={`Download ${file.name}`} title="Download" disabled={download.isPending} onClick={() => download.mutate()}>
        {download.isPending ? <LoaderCircleIcon aria-hidden="true" className="animate-spin" /> : <DownloadIcon aria-hidden="true" />}
      </Button>
      <Button
        variant="ghost"
        size="icon"
        className="size-8"
        aria-label={`Copy a link to ${file.name} (valid 7 days)`}
        title="Copy link (valid 7 days)"
        disabled={copy.isPending}
        onClick={() => copy.mutate()}
      >
        {copy.isPending ? <LoaderCircleIcon aria-hidden="true" className="animate-spin" /> : copied ? <CheckIcon aria-hidden="true" /> : <LinkIcon aria-hidden="true" />}
      </Button>
      {canEdit && (
        <Button
          variant="ghost"
          size="icon"
          className="size-8 text-destructive hover:text-destructive"
          aria-label={`Delete ${file.name}`}
          title="Delete"
          onClick={() => onDelete(file)}
        >
          <Trash2Icon aria-hidden="true" />
        </Button>
      )}
    </div>
  );
}

/** "Delete <name>?" — the file goes from the bucket, then from the list. */
export function DeleteFileDialog({ file, onOpenChange, onDeleted }: { file: FileView | null; onOpenChange: (open: boolean) => void; onDeleted: (file: FileView) => void }) {
  const mutation = useMutation({
    mutationFn: (target: FileView) => apiFetch<{ deleted: string }>(`/api/storage/files/${encodeURIComponent(target.id)}`, { method: "DELETE" }),
    onSuccess: (_answer, target) => {
      onDeleted(target);
      onOpenChange(false);
    },
  });

  // The last file asked about, kept while the dialog animates closed so its title does not go blank.
  const [shown, setShown] = React.useState(file);
  if (file && file !== shown) setShown(file);

  const { reset } = mutation;
  const fileId = file?.id;
  React.useEffect(() => {
    if (fileId) reset();
  }, [fileId, reset]);

  return (
    <AlertDialog
      open={file !== null}
      onOpenChange={(next) => {
        if (!next && mutation.isPending) return;
        onOpenChange(next);
      }}
    >
      <AlertDialogContent data-testid="delete-file-dialog">
        <AlertDialogHeader>
          <AlertDialogTitle>Delete {shown?.name}?</AlertDialogTitle>
          <AlertDialogDescription>
            Plugboard deletes the file from the bucket{shown?.storage ? ` (${shown.storage})` : ""} and removes it from this list. Links already shared stop working. This cannot be
            undone.
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
          <Button variant="destructive" disabled={mutation.isPending || !file} onClick={() => file && mutation.mutate(file)} data-testid="delete-file-confirm">
            {mutation.isPending && <LoaderCircleIcon aria-hidden="true" className="animate-spin" />}
            {mutation.isPending ? "Deleting…" : "Delete"}
          </Button>
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}
