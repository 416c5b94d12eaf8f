"use client";

import * as React from "react";

import { errorMessage } from "@/components/api/client";
import type { FilePurpose, FileView } from "@/components/files/types";
import { uploadFile, UploadAbortedError, uploadRouteFor, type UploadPhase, type UploadRoute } from "@/components/files/upload";

/** Uploads running at once; the rest wait their turn, so one big drop does not saturate the link. */
const PARALLEL_UPLOADS = 2;

export type UploadState = "waiting" | "uploading" | "checking" | "done" | "failed" | "cancelled";

export interface UploadRow {
  /** Its place in this page's queue, counted from 0 and never reused (the row's test id). */
  index: number;
  name: string;
  size: number;
  purpose: FilePurpose;
  route: UploadRoute;
  state: UploadState;
  sentBytes: number;
  error: string | null;
  file: FileView | null;
}

interface Job {
  index: number;
  file: File;
  purpose: FilePurpose;
}

export function useUploadQueue({ onStored }: { onStored: (file: FileView) => void }) {
  const [rows, setRows] = React.useState<UploadRow[]>([]);
  const waiting = React.useRef<Job[]>([]);
  const running = React.useRef(new Map<number, AbortController>());
  const nextIndex = React.useRef(0);
  const onStoredRef = React.useRef(onStored);
  React.useEffect(() => {
    onStoredRef.current = onStored;
  }, [onStored]);

  const patch = React.useCallback((index: number, change: Partial<UploadRow>) => {
    setRows((current) => current.map((row) => (row.index === index ? { ...row, ...change } : row)));
  }, []);

  /** Starts waiting uploads while fewer than PARALLEL_UPLOADS run; each one ending starts the next. */
  const pump = React.useCallback(() => {
    const startWaiting = () => {
      while (running.current.size < PARALLEL_UPLOADS && waiting.current.length > 0) {
        const job = waiting.current.shift()!;
        const controller = new AbortController();
        running.current.set(job.index, controller);
        const onPhase = (phase: UploadPhase) =>
          patch(job.index, phase.phase === "uploading" ? { state: "uploading", sentBytes: phase.sentBytes } : { state: "checking", sentBytes: job.file.size });
        void uploadFile(job.file, { purpose: job.purpose, onPhase, signal: controller.signal })
          .then(
            (stored) => {
              patch(job.index, { state: "done", sentBytes: job.file.size, file: stored });
              onStoredRef.current(stored);
            },
            (error: unknown) => {
              if (error instanceof UploadAbortedError) patch(job.index, { state: "cancelled", error: null });
              else patch(job.index, { state: "failed", error: errorMessage(error) });
            },
          )
          .finally(() => {
            running.current.delete(job.index);
            startWaiting();
          });
      }
    };
    startWaiting();
  }, [patch]);

  const add = React.useCallback(
    (files: readonly File[], purpose: FilePurpose) => {
      if (files.length === 0) return;
      const jobs = files.map((file) => ({ index: nextIndex.current++, file, purpose }));
      setRows((current) => [
        ...current,
        ...jobs.map((job): UploadRow => ({
          index: job.index,
          name: job.file.name,
          size: job.file.size,
          purpose,
          route: uploadRouteFor(job.file.size),
          state: "waiting",
          sentBytes: 0,
          error: null,
          file: null,
        })),
      ]);
      waiting.current.push(...jobs);
      pump();
    },
    [pump],
  );

  const cancel = React.useCallback(
    (index: number) => {
      const controller = running.current.get(index);
      if (controller) return controller.abort();
      const before = waiting.current.length;
      waiting.current = waiting.current.filter((job) => job.index !== index);
      if (waiting.current.length !== before) patch(index, { state: "cancelled" });
    },
    [patch],
  );

  /** Drops the rows that have nothing more to show (done or cancelled); failures stay until read. */
  const clearFinished = React.useCallback(() => {
    setRows((current) => current.filter((row) => row.state !== "done" && row.state !== "cancelled"));
  }, []);

  const dismiss = React.useCallback((index: number) => {
    setRows((current) => current.filter((row) => row.index !== index));
  }, []);

  // Leaving the page stops what is still running; the server settles any half-made upload.
  React.useEffect(() => {
    const controllers = running.current;
    return () => {
      waiting.current = [];
      for (const controller of controllers.values()) controller.abort();
    };
  }, []);

  return { rows, add, cancel, clearFinished, dismiss };
}
