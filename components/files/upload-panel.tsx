"use client";

import * as React from "react";
import { CheckIcon, CircleAlertIcon, LoaderCircleIcon, UploadIcon, XIcon } from "lucide-react";

import { formatBytes } from "@/components/files/bytes";
import { FILE_PURPOSES, PURPOSE_LABELS, type FilePurpose } from "@/components/files/types";
import type { UploadRow, UploadState } from "@/components/files/use-upload-queue";
import { Button } from "@/components/ui/button";
import { Label } from "@/components/ui/label";
import { NativeSelect, NativeSelectOption } from "@/components/ui/select";
import { cn } from "@/lib/utils";

const STATE_LABELS: Record<UploadState, string> = {
  waiting: "Waiting",
  uploading: "Uploading",
  checking: "Checking",
  done: "Done",
  failed: "Failed",
  cancelled: "Cancelled",
};

/** Whether a drag carries files (not text or a link dragged from the page). */
function carriesFiles(event: React.DragEvent): boolean {
  return Array.from(event.dataTransfer.types).includes("Files");
}

/** The drop zone, its "Choose files" button and the purpose new uploads get. */
export function DropZone({ onFiles }: { onFiles: (files: File[], purpose: FilePurpose) => void }) {
  const inputRef = React.useRef<HTMLInputElement>(null);
  const [purpose, setPurpose] = React.useState<FilePurpose>("files");
  // dragenter/dragleave fire for every child crossed: a depth count, not a flag, says whether the pointer is inside.
  const [dragDepth, setDragDepth] = React.useState(0);
  const dragging = dragDepth > 0;

  return (
    <section
      aria-label="Upload files"
      data-testid="files-dropzone"
      data-dragging={dragging || undefined}
      className={cn(
        "grid gap-4 rounded-xl border-2 border-dashed bg-card p-6 text-center shadow-xs transition-colors",
        dragging ? "border-primary bg-primary/5" : "border-muted-foreground/25",
      )}
      onDragEnter={(e) => {
        if (!carriesFiles(e)) return;
        e.preventDefault();
        setDragDepth((d) => d + 1);
      }}
      onDragOver={(e) => {
        if (!carriesFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = "copy";
      }}
      onDragLeave={(e) => {
        if (!carriesFiles(e)) return;
        setDragDepth((d) => Math.max(0, d - 1));
      }}
      onDrop={(e) => {
        if (!carriesFiles(e)) return;
        e.preventDefault();
        setDragDepth(0);
        onFiles(Array.from(e.dataTransfer.files), purpose);
      }}
    >
      <div className="flex flex-col items-center gap-2">
        <UploadIcon aria-hidden="true" className="size-8 text-muted-foreground" />
        <p className="font-medium">{dragging ? "Drop to upload" : "Drag files here"}</p>
        <p className="text-sm text-muted-foreground">Files up to 8 MB go through Plugboard; larger ones go straight to the bucket.</p>
      </div>
      <div className="flex flex-wrap items-end justify-center gap-3">
        <div className="grid gap-1.5 text-left">
          <Label htmlFor="upload-purpose">Upload as</Label>
          <NativeSelect id="upload-purpose" value={purpose} onChange={(e) => setPurpose(e.target.value as FilePurpose)} className="min-w-36">
            {FILE_PURPOSES.map((p) => (
              <NativeSelectOption key={p} value={p}>
                {PURPOSE_LABELS[p]}
              </NativeSelectOption>
            ))}
          </NativeSelect>
        </div>
        <Button type="button" onClick={() => inputRef.current?.click()}>
          <UploadIcon aria-hidden="true" />
          Choose files
        </Button>
        {/* Hidden: the button above is its keyboard and screen-reader way in. */}
        <input
          ref={inputRef}
          type="file"
          multiple
          hidden
          aria-label="Files to upload"
          data-testid="files-input"
          onChange={(e) => {
            const files = Array.from(e.currentTarget.files ?? []);
            // Cleared so choosing the same file again fires a change.
            e.currentTarget.value = "";
            onFiles(files, purpose);
          }}
        />
      </div>
    </section>
  );
}

function percentOf(row: UploadRow): number {
  if (row.state === "checking" || row.state === "done") return 100;
  if (row.size === 0) return 0;
  return Math.min(100, Math.round((row.sentBytes / row.size) * 100));
}

function StateIcon({ state }: { state: UploadState }) {
  if (state === "done") return <CheckIcon aria-hidden="true" className="size-4 text-success" />;
  if (state === "failed") return <CircleAlertIcon aria-hidden="true" className="size-4 text-destructive" />;
  if (state === "uploading" || state === "checking") return <LoaderCircleIcon aria-hidden="true" className="size-4 animate-spin text-muted-foreground" />;
  return null;
}

/** One line per file given to the queue: its name, size, progress and how it ended. */
export function UploadQueue({
  rows,
  onCancel,
  onDismiss,
  onClearFinished,
}: {
  rows: readonly UploadRow[];
  onCancel: (index: number) => void;
  onDismiss: (index: number) => void;
  onClearFinished: () => void;
}) {
  if (rows.length === 0) return null;
  const finished = rows.some((row) => row.state === "done" || row.state === "cancelled");
  return (
    <section aria-labelledby="upload-queue-title" className="grid gap-2 rounded-xl border bg-card p-4 shadow-xs">
      <div className="flex items-center justify-between gap-2">
        <h2 id="upload-queue-title" className="text-sm font-medium">
          Uploads
        </h2>
        {finished && (
          <Button type="button" variant="ghost" size="sm" onClick={onClearFinished}>
            Clear finished
          </Button>
        )}
      </div>
      <ul className="grid gap-3" aria-live="polite">
        {rows.map((row) => {
          const percent = percentOf(row);
          return (
            <li key={row.index} data-testid={`upload-row-${row.index}`} data-state={row.state} className="grid gap-1.5">
              <div className="flex items-center gap-2 text-sm">
                <StateIcon state={row.state} />
                <span className="min-w-0 flex-1 truncate font-medium" title={row.name}>
                  {row.name}
                </span>
                <span className="text-muted-foreground tabular-nums">{formatBytes(row.size)}</span>
                <span className={cn("w-20 text-right text-xs", row.state === "failed" ? "text-destructive" : "text-muted-foreground")} data-testid={`upload-state-${row.index}`}>
                  {row.state === "uploading" ? `${percent}%` : STATE_LABELS[row.state]}
                </span>
                {row.state === "waiting" || row.state === "uploading" ? (
                  <Button type="button" variant="ghost" size="icon" className="size-7" aria-label={`Cancel upload of ${row.name}`} onClick={() => onCancel(row.index)}>
                    <XIcon aria-hidden="true" />
                  </Button>
                ) : row.state === "failed" || row.state === "cancelled" ? (
                  <Button type="button" variant="ghost" size="icon" className="size-7" aria-label={`Dismiss ${row.name}`} onClick={() => onDismiss(row.index)}>
                    <XIcon aria-hidden="true" />
                  </Button>
                ) : (
                  <span className="size-7" aria-hidden="true" />
                )}
              </div>
              <div
                role="progressbar"
                aria-label={`Upload of ${row.name}`}
                aria-valuemin={0}
                aria-valuemax={100}
                aria-valuenow={percent}
                aria-valuetext={`${STATE_LABELS[row.state]}, ${percent}%`}
                className="relative h-1.5 w-full overflow-hidden rounded-full bg-muted"
              >
                <div
                  className={cn(
                    "absolute inset-y-0 left-0 transition-[width] duration-300",
                    row.state === "failed" ? "bg-destructive" : row.state === "done" ? "bg-success" : "bg-primary",
                    row.state === "checking" && "animate-pulse",
                  )}
                  style={{ width: `${percent}%` }}
                />
              </div>
              {row.state === "failed" && row.error && (
                <p className="text-xs text-destructive" data-testid={`upload-error-${row.index}`}>
                  {row.error}
                </p>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
