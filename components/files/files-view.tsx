"use client";

import * as React from "react";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { keepPreviousData, useInfiniteQuery, useQueryClient } from "@tanstack/react-query";
import { CircleAlertIcon, InfoIcon, LoaderCircleIcon, SearchIcon, XIcon } from "lucide-react";

import { apiFetch, ApiRequestError, errorMessage } from "@/components/api/client";
import { formatBytes, formatUsage } from "@/components/files/bytes";
import { DeleteFileDialog, FileActions } from "@/components/files/file-actions";
import { FILE_PURPOSES, PURPOSE_LABELS, type FileListResponse, type FilePurpose, type FileView } from "@/components/files/types";
import { DropZone, UploadQueue } from "@/components/files/upload-panel";
import { useUploadQueue } from "@/components/files/use-upload-queue";
import { RelativeTime } from "@/components/format";
import { EmptyRow, FilterSelect, LoadingRows, useUrlFilters } from "@/components/list/list-page";
import { PageHeader, RefreshButton } from "@/components/shell/page-header";
import { useCurrentUser } from "@/components/shell/use-current-user";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { cn } from "@/lib/utils";

const PAGE_SIZE = 50;
const SEARCH_DEBOUNCE_MS = 300;
const COLUMNS = 6;

export const filesQueryKey = ["files"] as const;

function isPurpose(value: string): value is FilePurpose {
  return (FILE_PURPOSES as readonly string[]).includes(value);
}

/** The search box: typing settles for a moment before it becomes the URL's `q` (and a request). */
function SearchBox({ value, onSearch }: { value: string; onSearch: (q: string) => void }) {
  const [text, setText] = React.useState(value);
  // The URL changed other than by this box (back button, "Clear filters"): show what it says. A
  // change this box made matches the text already, trailing space and all, and leaves it alone.
  const [urlValue, setUrlValue] = React.useState(value);
  if (value !== urlValue) {
    setUrlValue(value);
    if (text.trim() !== value) setText(value);
  }
  React.useEffect(() => {
    if (text.trim() === value) return;
    const timer = setTimeout(() => onSearch(text.trim()), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text, value, onSearch]);

  return (
    <div className="grid min-w-0 gap-1.5">
      <Label htmlFor="files-search">Search</Label>
      <div className="relative">
        <SearchIcon aria-hidden="true" className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-muted-foreground" />
        <Input
          id="files-search"
          type="search"
          placeholder="File name"
          className="w-full pl-9 sm:w-64"
          value={text}
          maxLength={200}
          data-testid="files-search"
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            // Enter searches at once rather than after the pause.
            if (e.key === "Enter") onSearch(text.trim());
          }}
        />
      </div>
    </div>
  );
}

function NoStorage({ message }: { message: string }) {
  return (
    <Alert variant="warning" data-testid="files-no-storage">
      <CircleAlertIcon aria-hidden="true" />
      <AlertTitle>No storage connected</AlertTitle>
      <AlertDescription>
        <p>{message}</p>
        <Button asChild variant="outline" size="sm" className="mt-2">
          <Link href="/integrations">Go to Integrations</Link>
        </Button>
      </AlertDescription>
    </Alert>
  );
}

function FileRow({
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
  return (
    <TableRow data-testid={`file-row-${file.id}`}>
      <TableCell className="max-w-[24rem] pl-4">
        <span className="block truncate font-medium" title={file.storage ? `${file.name} — ${file.storage}` : file.name}>
          {file.name}
        </span>
      </TableCell>
      <TableCell>
        <Badge variant="secondary">{isPurpose(file.purpose) ? PURPOSE_LABELS[file.purpose] : file.purpose}</Badge>
      </TableCell>
      <TableCell className="hidden max-w-[12rem] truncate font-mono text-xs text-muted-foreground md:table-cell" title={file.contentType}>
        {file.contentType}
      </TableCell>
      <TableCell className="text-right tabular-nums" title={`${file.size.toLocaleString()} bytes`}>
        {formatBytes(file.size)}
      </TableCell>
      <TableCell>
        <RelativeTime value={file.createdAt} />
        <span className="block max-w-[14rem] truncate text-xs text-muted-foreground" title={file.createdBy}>
          by {file.createdBy}
        </span>
      </TableCell>
      <TableCell className="pr-4">
        <FileActions file={file} canEdit={canEdit} onDelete={onDelete} onProblem={onProblem} onNotice={onNotice} />
      </TableCell>
    </TableRow>
  );
}

export function FilesView() {
  const { canEdit } = useCurrentUser();
  const queryClient = useQueryClient();
  const searchParams = useSearchParams();
  const update = useUrlFilters();
  const q = (searchParams.get("q") ?? "").trim();
  const purposeParam = searchParams.get("purpose") ?? "";
  // An unknown purpose in a hand-typed link would only earn a 400: treated as none.
  const purpose = isPurpose(purposeParam) ? purposeParam : "";

  const files = useInfiniteQuery({
    queryKey: [...filesQueryKey, "list", { q, purpose }],
    queryFn: ({ pageParam, signal }) => {
      const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
      if (q) params.set("q", q);
      if (purpose) params.set("purpose", purpose);
      if (pageParam) params.set("cursor", pageParam);
      return apiFetch<FileListResponse>(`/api/storage/files?${params.toString()}`, { signal });
    },
    initialPageParam: "",
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
    // A refusal ("not connected", a bad filter) will not change by asking again at once.
    retry: (count, error) => !(error instanceof ApiRequestError && error.status >= 400 && error.status < 500) && count < 2,
  });

  const [deleting, setDeleting] = React.useState<FileView | null>(null);
  const [problem, setProblem] = React.useState<string | null>(null);
  const [notice, setNotice] = React.useState<string | null>(null);
  const showNotice = React.useCallback((message: string) => {
    setProblem(null);
    setNotice(message);
  }, []);
  const showProblem = React.useCallback((message: string) => {
    setNotice(null);
    setProblem(message);
  }, []);

  const refreshList = React.useCallback(() => void queryClient.invalidateQueries({ queryKey: filesQueryKey }), [queryClient]);
  const queue = useUploadQueue({ onStored: refreshList });

  const onSearch = React.useCallback((value: string) => update({ q: value || null }), [update]);

  const pages = files.data?.pages ?? [];
  const rows = pages.flatMap((page) => page.files);
  // Every page carries the same workspace total; the newest answer is the freshest.
  const usage = pages.at(-1)?.usage;
  // Without storage nothing new can be stored, but files already stored stay listed.
  const state = pages[0]?.storage;
  const noStorage = state && !state.connected ? (state.message ?? "No storage is connected") : null;
  const hasFilters = Boolean(q || purpose);

  return (
    <div className="grid gap-6">
      <PageHeader
        title="Files"
        description={
          <>
            Files kept in your connected storage bucket: uploads, form attachments and exports.
            {usage && (
              <>
                {" "}
                <span className="font-medium text-foreground tabular-nums" data-testid="files-usage">
                  {formatUsage(usage)}
                </span>
              </>
            )}
          </>
        }
      >
        <RefreshButton fetching={files.isFetching} onClick={() => void files.refetch()} />
      </PageHeader>

      {noStorage ? (
        <NoStorage message={noStorage} />
      ) : canEdit ? (
        <div className="grid gap-3">
          <DropZone onFiles={queue.add} />
          <UploadQueue rows={queue.rows} onCancel={queue.cancel} onDismiss={queue.dismiss} onClearFinished={queue.clearFinished} />
        </div>
      ) : (
        <p className="text-sm text-muted-foreground">Your account is a viewer: you can download files; ask an admin to upload or delete them.</p>
      )}

      <form role="search" aria-label="Filter files" className="flex flex-wrap items-end gap-3 rounded-xl border bg-card p-4 shadow-xs" onSubmit={(e) => e.preventDefault()}>
        <SearchBox value={q} onSearch={onSearch} />
        <FilterSelect
          id="filter-purpose"
          label="Purpose"
          allLabel="All purposes"
          options={FILE_PURPOSES.map((p) => ({ value: p, label: PURPOSE_LABELS[p] }))}
          value={purpose}
          onChange={(value) => update({ purpose: value || null })}
          className="sm:min-w-40"
        />
        {hasFilters && (
          <Button type="button" variant="ghost" onClick={() => update({ q: null, purpose: null })}>
            <XIcon aria-hidden="true" />
            Clear filters
          </Button>
        )}
      </form>

      {(problem || notice) && (
        <Alert variant={problem ? "destructive" : "success"} data-testid="files-action-message">
          {problem ? <CircleAlertIcon aria-hidden="true" /> : <InfoIcon aria-hidden="true" />}
          <AlertDescription className="flex w-full items-start justify-between gap-2">
            <p>{problem ?? notice}</p>
            <Button
              type="button"
              variant="ghost"
              size="icon"
              className="size-6 shrink-0"
              aria-label="Dismiss message"
              onClick={() => {
                setProblem(null);
                setNotice(null);
              }}
            >
              <XIcon aria-hidden="true" />
            </Button>
          </AlertDescription>
        </Alert>
      )}

      {files.isError && (
        <Alert variant="destructive" data-testid="files-error">
          <CircleAlertIcon aria-hidden="true" />
          <AlertTitle>Could not load the files</AlertTitle>
          <AlertDescription>
            <p>
              {errorMessage(files.error)}
              {files.data ? " Showing the last loaded list." : ""}
            </p>
            <Button variant="outline" size="sm" className="mt-2" onClick={() => void files.refetch()}>
              Try again
            </Button>
          </AlertDescription>
        </Alert>
      )}

      <div className="overflow-hidden rounded-xl border bg-card shadow-xs">
        <Table aria-label="Stored files" aria-busy={files.isFetching || undefined} data-testid="files-table">
          <TableHeader className="bg-muted/40">
            <TableRow className="hover:bg-transparent">
              <TableHead className="pl-4">Name</TableHead>
              <TableHead>Purpose</TableHead>
              <TableHead className="hidden md:table-cell">Type</TableHead>
              <TableHead className="text-right">Size</TableHead>
              <TableHead>Uploaded</TableHead>
              <TableHead className="pr-4 text-right">
                <span className="sr-only">Actions</span>
              </TableHead>
            </TableRow>
          </TableHeader>
          <TableBody className={cn(files.isPlaceholderData && "opacity-60 transition-opacity")}>
            {files.isPending ? (
              <LoadingRows rows={5} columns={COLUMNS} />
            ) : rows.length === 0 ? (
              <EmptyRow
                columns={COLUMNS}
                testId="files-empty"
                title={files.isError ? "No files loaded" : hasFilters ? "No files match" : "No files yet"}
                hint={hasFilters ? "Try another name or purpose, or clear the filters." : "Files you upload here, form attachments and CSV exports show up in this list."}
              />
            ) : (
              rows.map((file) => <FileRow key={file.id} file={file} canEdit={canEdit} onDelete={setDeleting} onProblem={showProblem} onNotice={showNotice} />)
            )}
          </TableBody>
        </Table>
      </div>

      {files.hasNextPage && (
        <div className="flex justify-center">
          <Button variant="outline" disabled={files.isFetchingNextPage} onClick={() => void files.fetchNextPage()} data-testid="files-load-more">
            {files.isFetchingNextPage && <LoaderCircleIcon aria-hidden="true" className="animate-spin" />}
            {files.isFetchingNextPage ? "Loading…" : "Load more"}
          </Button>
        </div>
      )}

      <DeleteFileDialog
        file={deleting}
        onOpenChange={(open) => {
          if (!open) setDeleting(null);
        }}
        onDeleted={(file) => {
          showNotice(`${file.name} was deleted.`);
          refreshList();
        }}
      />
    </div>
  );
}
