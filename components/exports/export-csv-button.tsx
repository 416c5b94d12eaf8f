"use client";

import * as React from "react";
import { useMutation } from "@tanstack/react-query";
import { CircleAlertIcon, DownloadIcon, FileSpreadsheetIcon, LoaderCircleIcon, XIcon } from "lucide-react";

import { errorMessage } from "@/components/api/client";
import { runExport, saveBlob, type ExportKind, type ExportResult } from "@/components/exports/export-csv";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";

type Notice = { tone: "stored"; fileName: string; url: string } | { tone: "not-stored"; text: string } | { tone: "failed"; text: string };

/**
 * One export of a page: the button runs it, the notice says where the CSV went. Separate pieces so
 * the button can sit in the page header and the notice in the page's flow.
 */
export function useCsvExport(kind: ExportKind) {
  const [notice, setNotice] = React.useState<Notice | null>(null);
  const mutation = useMutation({
    mutationFn: (filters: Record<string, string>) => runExport(kind, filters),
    onMutate: () => setNotice(null),
    onSuccess: (result: ExportResult) => {
      if (result.stored) {
        setNotice({ tone: "stored", fileName: result.fileName, url: result.url });
        window.location.assign(result.url);
      } else {
        saveBlob(result.blob, result.fileName);
        setNotice({ tone: "not-stored", text: result.reason });
      }
    },
    onError: (error) => setNotice({ tone: "failed", text: `The export failed: ${errorMessage(error)}` }),
  });
  return { run: mutation.mutate, running: mutation.isPending, notice, dismiss: () => setNotice(null) };
}

export type CsvExport = ReturnType<typeof useCsvExport>;

export function ExportCsvButton({ csvExport, filters = {}, title }: { csvExport: CsvExport; filters?: Record<string, string>; title?: string }) {
  return (
    <Button
      type="button"
      variant="outline"
      size="sm"
      className="text-foreground"
      title={title}
      disabled={csvExport.running}
      aria-busy={csvExport.running || undefined}
      onClick={() => csvExport.run(filters)}
      data-testid="export-csv"
    >
      {csvExport.running ? <LoaderCircleIcon aria-hidden="true" className="animate-spin" /> : <FileSpreadsheetIcon aria-hidden="true" />}
      {csvExport.running ? "Exporting…" : "Export CSV"}
    </Button>
  );
}

export function ExportNotice({ csvExport }: { csvExport: CsvExport }) {
  const { notice, dismiss } = csvExport;
  if (!notice) return null;
  return (
    <Alert variant={notice.tone === "failed" ? "destructive" : notice.tone === "stored" ? "success" : "default"} data-testid="export-notice" data-tone={notice.tone}>
      {notice.tone === "failed" ? <CircleAlertIcon aria-hidden="true" /> : <FileSpreadsheetIcon aria-hidden="true" />}
      <AlertDescription className="flex w-full flex-wrap items-center justify-between gap-2">
        {notice.tone === "stored" ? (
          <p>
            Saved to storage as <span className="font-medium">{notice.fileName}</span>.{" "}
            <a href={notice.url} className="inline-flex items-center gap-1 font-medium underline underline-offset-4">
              <DownloadIcon aria-hidden="true" className="size-3.5" />
              Download
            </a>
          </p>
        ) : (
          <p>{notice.text}</p>
        )}
        <Button type="button" variant="ghost" size="icon" className="size-6 shrink-0" aria-label="Dismiss export message" onClick={dismiss}>
          <XIcon aria-hidden="true" />
        </Button>
      </AlertDescription>
    </Alert>
  );
}
