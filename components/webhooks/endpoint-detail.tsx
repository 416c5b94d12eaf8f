"use client";

import * as React from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { ArrowLeftIcon, CircleAlertIcon, KeyRoundIcon, LoaderCircleIcon, PauseIcon, PencilIcon, PlayIcon, SendIcon, Trash2Icon } from "lucide-react";

import { errorMessage } from "@/components/api/client";
import { RelativeTime, useNow } from "@/components/format";
import { useCurrentUser } from "@/components/shell/use-current-user";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { AlertDialog, AlertDialogCancel, AlertDialogContent, AlertDialogDescription, AlertDialogFooter, AlertDialogHeader, AlertDialogTitle } from "@/components/ui/alert-dialog";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { ALL_EVENTS, useDeleteEndpoint, useEndpoint, useEndpoints, useRotateSecret, useSendTest, useUpdateEndpoint, type EndpointDetail } from "@/components/webhooks/api";
import { AttemptsChart } from "@/components/webhooks/attempts-chart";
import { DeliveriesPanel } from "@/components/webhooks/deliveries-table";
import { EndpointDialog } from "@/components/webhooks/endpoint-dialog";
import { SecretDialog } from "@/components/webhooks/secret-dialog";
import { disabledNote, failingNote } from "@/components/webhooks/state";
import { attemptSummary, EndpointStatusBadge } from "@/components/webhooks/status";
import { Stat } from "@/components/webhooks/webhooks-view";

export function EndpointDetailView({ id }: { id: string }) {
  const query = useEndpoint(id);
  if (query.isPending) {
    return (
      <div className="grid gap-6">
        <Skeleton className="h-10 w-72" />
        <Skeleton className="h-40 w-full rounded-xl" />
        <Skeleton className="h-72 w-full rounded-xl" />
      </div>
    );
  }
  if (query.isError) {
    return (
      <div className="grid gap-4">
        <BackLink />
        <Alert variant="destructive">
          <CircleAlertIcon aria-hidden="true" />
          <AlertTitle>Could not load this endpoint</AlertTitle>
          <AlertDescription>
            <p>{errorMessage(query.error)}</p>
          </AlertDescription>
        </Alert>
      </div>
    );
  }
  return <Detail endpoint={query.data} />;
}

function BackLink() {
  return (
    <Link href="/webhooks" className="inline-flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground">
      <ArrowLeftIcon aria-hidden="true" className="size-4" />
      All endpoints
    </Link>
  );
}

function Detail({ endpoint }: { endpoint: EndpointDetail }) {
  const { canEdit } = useCurrentUser();
  const router = useRouter();
  const catalog = useEndpoints().data?.catalog ?? [];
  const update = useUpdateEndpoint(endpoint.id);
  const sendTest = useSendTest(endpoint.id);
  const rotate = useRotateSecret(endpoint.id);
  const remove = useDeleteEndpoint(endpoint.id);
  const [editing, setEditing] = React.useState(false);
  const [confirmDelete, setConfirmDelete] = React.useState(false);
  const [confirmRotate, setConfirmRotate] = React.useState(false);
  const [secret, setSecret] = React.useState<string | null>(null);
  const { stats } = endpoint;
  const actionError = [update, sendTest, rotate].find((m) => m.isError)?.error;
  // The shared clock rather than Date.now() in render, so the note also goes when the rotation window ends while the page is open.
  const now = useNow();
  const failing = now === null ? null : failingNote(endpoint, now);
  const rotationEnds = endpoint.previousSecretExpiresAt && now !== null && new Date(endpoint.previousSecretExpiresAt).getTime() > now ? endpoint.previousSecretExpiresAt : null;

  return (
    <div className="grid gap-6" data-testid="webhook-endpoint-detail">
      <BackLink />
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="grid min-w-0 gap-1">
          <div className="flex items-center gap-2">
            <h1 className="truncate text-2xl font-semibold tracking-tight">{endpoint.name}</h1>
            <EndpointStatusBadge endpoint={endpoint} />
          </div>
          <p className="font-mono text-sm break-all text-muted-foreground">{endpoint.url}</p>
        </div>
        {canEdit && (
          <div className="flex flex-wrap gap-2">
            <Button onClick={() => sendTest.mutate()} disabled={sendTest.isPending || endpoint.status !== "active"}>
              {sendTest.isPending ? <LoaderCircleIcon aria-hidden="true" className="animate-spin" /> : <SendIcon aria-hidden="true" />}
              Send test
            </Button>
            <Button variant="outline" onClick={() => setEditing(true)}>
              <PencilIcon aria-hidden="true" />
              Edit
            </Button>
            {endpoint.status === "active" ? (
              <Button variant="outline" disabled={update.isPending} onClick={() => update.mutate({ status: "paused" })}>
                <PauseIcon aria-hidden="true" />
                Pause
              </Button>
            ) : (
              <Button variant="outline" disabled={update.isPending} onClick={() => update.mutate({ status: "active" })}>
                <PlayIcon aria-hidden="true" />
                {endpoint.status === "disabled" ? "Enable" : "Resume"}
              </Button>
            )}
            <Button variant="outline" disabled={rotate.isPending} onClick={() => setConfirmRotate(true)}>
              <KeyRoundIcon aria-hidden="true" />
              Rotate secret
            </Button>
            <Button variant="outline" className="text-destructive" onClick={() => setConfirmDelete(true)}>
              <Trash2Icon aria-hidden="true" />
              Delete
            </Button>
          </div>
        )}
      </div>

      {endpoint.status === "disabled" && (
        <Alert variant="destructive" data-testid="webhook-disabled-alert">
          <CircleAlertIcon aria-hidden="true" />
          <AlertTitle>Disabled {endpoint.disabledAt && <RelativeTime value={endpoint.disabledAt} />}</AlertTitle>
          <AlertDescription>
            <p>{disabledNote(endpoint)}</p>
          </AlertDescription>
        </Alert>
      )}
      {failing && (
        <Alert variant="warning" data-testid="webhook-failing-alert">
          <CircleAlertIcon aria-hidden="true" />
          <AlertTitle>
            {failing.title} (since <RelativeTime value={endpoint.failingSince} />)
          </AlertTitle>
          <AlertDescription>
            <p>{failing.detail}</p>
          </AlertDescription>
        </Alert>
      )}
      {endpoint.status === "paused" && (
        <Alert>
          <PauseIcon aria-hidden="true" />
          <AlertTitle>Paused</AlertTitle>
          <AlertDescription>
            <p>New events are queued and sent once you resume.</p>
          </AlertDescription>
        </Alert>
      )}
      {actionError && (
        <Alert variant="destructive">
          <CircleAlertIcon aria-hidden="true" />
          <AlertDescription>
            <p>{errorMessage(actionError)}</p>
          </AlertDescription>
        </Alert>
      )}
      {sendTest.data && (
        <Alert variant={sendTest.data.status === "succeeded" ? "default" : "destructive"} data-testid="webhook-test-result">
          <SendIcon aria-hidden="true" />
          <AlertTitle>{sendTest.data.status === "succeeded" ? "Test delivered" : "Test not delivered"}</AlertTitle>
          <AlertDescription>
            <p>
              {sendTest.data.attempts.at(-1) ? attemptSummary(sendTest.data.attempts.at(-1)!) : "Not attempted"}
              {sendTest.data.status === "pending" ? " — it will be retried on the usual schedule." : ""}
            </p>
          </AlertDescription>
        </Alert>
      )}

      <div className="grid gap-4 rounded-xl border bg-card p-4 shadow-xs lg:grid-cols-[1fr_2fr]">
        <div className="grid content-start gap-4">
          <dl className="grid grid-cols-3 gap-4 text-sm" data-testid="webhook-detail-stats">
            <Stat label="Deliveries" value={stats.total.toLocaleString()} />
            <Stat label="Delivered" value={stats.succeeded.toLocaleString()} />
            <Stat label="Failed" value={stats.failed.toLocaleString()} tone={stats.failed ? "bad" : undefined} />
            <Stat label="Queued or retrying" value={stats.pending.toLocaleString()} />
            <div className="col-span-2 grid gap-0.5">
              <dt className="text-xs text-muted-foreground">Last attempt</dt>
              <dd>
                <RelativeTime value={stats.lastAttemptAt} />
                {stats.lastAttemptAt && (
                  <span className="text-muted-foreground">
                    {" "}
                    · {stats.lastAttemptOk ? `answered ${stats.lastStatusCode}` : stats.lastStatusCode ? `failed (${stats.lastStatusCode})` : "failed"}
                  </span>
                )}
              </dd>
            </div>
          </dl>
          <div className="grid gap-1 text-sm">
            <p className="text-xs text-muted-foreground">Events</p>
            <p>
              {endpoint.events.includes(ALL_EVENTS)
                ? "All events"
                : endpoint.events.map((e) => (
                    <code key={e} className="mr-2 text-xs">
                      {e}
                    </code>
                  ))}
            </p>
          </div>
          <div className="grid gap-1 text-sm">
            <p className="text-xs text-muted-foreground">Custom headers</p>
            <p>
              {endpoint.headerNames.length
                ? endpoint.headerNames.map((n) => (
                    <code key={n} className="mr-2 text-xs">
                      {n}
                    </code>
                  ))
                : "None"}
            </p>
          </div>
          {rotationEnds && (
            <p className="text-xs text-muted-foreground">
              The previous secret also signs until <RelativeTime value={rotationEnds} />.
            </p>
          )}
        </div>
        <AttemptsChart daily={endpoint.daily} />
      </div>

      <DeliveriesPanel endpoint={endpoint} canEdit={canEdit} />

      <EndpointDialog open={editing} onOpenChange={setEditing} catalog={catalog} endpoint={endpoint} />
      <SecretDialog secret={secret} rotated onClose={() => setSecret(null)} />
      <AlertDialog open={confirmRotate} onOpenChange={setConfirmRotate}>
        <AlertDialogContent>
          <AlertDialogHeader>
            <AlertDialogTitle>Rotate the signing secret?</AlertDialogTitle>
            <AlertDialogDescription>
              A new secret is shown once. For 24 hours every request carries signatures by both secrets, so you can update your receiver without dropping a message; after that only
              the new one signs.
            </AlertDialogDescription>
          </AlertDialogHeader>
          <AlertDialogFooter>
            <AlertDialogCancel>Cancel</AlertDialogCancel>
            <Button
              disabled={rotate.isPending}
              onClick={() =>
                rotate.mutate(undefined, {
                  onSuccess: (answer) => {
                    setConfirmRotate(false);
                    setSecret(answer.secret);
                  },
                })
              }
            >
              Rotate
            </Button>
          </AlertDialogFooter>
        </AlertDialogContent>
      </AlertDialog>
      <AlertDialog open={confirmDelete} onOpenChange={setConfirmDelete}>
        <AlertDialogContent>
          <AlertDialogHeader>
            <AlertDialogTitle>Delete {endpoint.name}?</AlertDialogTitle>
            <AlertDialogDescription>Nothing more is sent to it, and its delivery log is deleted with it.</AlertDialogDescription>
          </AlertDialogHeader>
          {remove.isError && <p className="text-sm text-destructive">{errorMessage(remove.error)}</p>}
          <AlertDialogFooter>
            <AlertDialogCancel disabled={remove.isPending}>Cancel</AlertDialogCancel>
            <Button variant="destructive" disabled={remove.isPending} onClick={() => remove.mutate(undefined, { onSuccess: () => router.push("/webhooks") })}>
              Delete
            </Button>
          </AlertDialogFooter>
        </AlertDialogContent>
      </AlertDialog>
    </div>
  );
}
