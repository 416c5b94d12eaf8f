"use client";

import * as React from "react";
import Link from "next/link";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import {
  ActivityIcon,
  CalendarDaysIcon,
  CircleAlertIcon,
  CircleCheckIcon,
  FlaskConicalIcon,
  KeyRoundIcon,
  LoaderCircleIcon,
  PauseIcon,
  PencilIcon,
  PlayIcon,
  PlugIcon,
  PlusIcon,
  RefreshCwIcon,
  StarIcon,
  TriangleAlertIcon,
  UnplugIcon,
} from "lucide-react";

import { ApiRequestError, apiFetch } from "@/components/api/client";
import { queryKeys, useConnectionWebhookUrl } from "@/components/api/queries";
import { errorCategoryLabel, type IntegrationStatus, type Provider, type TestResult } from "@/components/api/types";
import type { CapabilitySlot } from "@/lib/integrations/kit/manifest";
import { CopyField } from "@/components/copy-field";
import { RelativeTime, formatNumber, useNow } from "@/components/format";
import { IntegrationHealthSummary, RateLimitNote } from "@/components/health/health-status";
import { CredentialsDialog, type CredentialsMode } from "@/components/integrations/credentials-dialog";
import { DisconnectDialog } from "@/components/integrations/disconnect-dialog";
import { ProviderIcon } from "@/components/integrations/provider-icon";
import { OAuthSetupNotice } from "@/components/integrations/oauth-setup-notice";
import { STATE_BADGE, cardState, hasStoredConnection, oauthConfigured, type CardState } from "@/components/integrations/state";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardAction, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { cn } from "@/lib/utils";

const CAPABILITY_LABELS: Record<string, string> = {
  webhooks: "Webhooks",
  sync: "Sync",
  oauth: "OAuth",
  api_key: "API key",
};

/** How a capability slot reads in "Default for …" and "Make default for …". */
const SLOT_LABELS: Record<CapabilitySlot, string> = {
  calendar: "calendar",
  email: "email",
  sms: "SMS",
  payments: "payments",
  inbound: "webhooks",
  crm: "CRM",
  marketing: "marketing",
  storage: "storage",
  social: "social",
};

export const slotLabel = (slot: string) => SLOT_LABELS[slot as CapabilitySlot] ?? slot;

/** The card of one of a provider's live connections, when the workspace may hold several. */
export interface ConnectionContext {
  /** How many live connections the provider has (this one included). */
  accounts: number;
  /** Capability slots an admin made this connection the default of. */
  defaultFor: string[];
  /** No admin choice among the provider's connections, and this is the one used where nothing names an account. */
  usedByDefault: boolean;
  /** Shown in a group of the provider's cards, whose header carries the description, capabilities and health. */
  grouped: boolean;
}

type DialogState = { kind: "credentials"; mode: CredentialsMode } | { kind: "disconnect" } | null;

type TestOutcome = { kind: "result"; result: TestResult } | { kind: "request_failed"; message: string; forbidden: boolean };

export function IntegrationCard({
  provider,
  status,
  canEdit,
  statusUnknown = false,
  connection,
  addAccount,
  revokeFailed = false,
  onDisconnected,
}: {
  provider: Provider;
  status: IntegrationStatus | undefined;
  canEdit: boolean;
  /** The status request failed and there is no earlier answer: say so rather than "Not connected". */
  statusUnknown?: boolean;
  /** Set on the card of a live connection. */
  connection?: ConnectionContext;
  /** The "Add another account" action, on the card of a provider's only connection. */
  addAccount?: React.ReactNode;
  /** The last disconnect of this provider could not revoke the grant at the provider. */
  revokeFailed?: boolean;
  onDisconnected?: (answer: { revoke?: string }) => void;
}) {
  const state = cardState(provider, status, statusUnknown);
  const badge = STATE_BADGE[state];
  const connected = hasStoredConnection(state);
  const titleId = React.useId();
  const [dialog, setDialog] = React.useState<DialogState>(null);
  const [testOutcome, setTestOutcome] = React.useState<TestOutcome | null>(null);
  const queryClient = useQueryClient();
  const grouped = connection?.grouped ?? false;
  // Several accounts of the provider: say which one each card is, and address it by its id.
  const several = (connection?.accounts ?? 0) > 1;
  const connectionId = connected ? (status?.connectionId ?? null) : null;
  const base = connectionId ? `/api/connections/${encodeURIComponent(connectionId)}` : `/api/integrations/${encodeURIComponent(provider.id)}`;
  // The auth method is already under the name; the chips list what the integration does.
  const capabilities = (provider.capabilities ?? []).filter((c) => c !== "api_key" && c !== "oauth");

  const test = useMutation({
    mutationFn: () => apiFetch<TestResult>(`${base}/test`, { method: "POST" }),
    onMutate: () => setTestOutcome(null),
    onSuccess: (result) => setTestOutcome({ kind: "result", result }),
    onError: (error) =>
      setTestOutcome({
        kind: "request_failed",
        message: error.message,
        forbidden: error instanceof ApiRequestError && error.status === 403,
      }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.status }),
  });

  const pause = useMutation({
    mutationFn: (action: "pause" | "resume") =>
      apiFetch<{ status: IntegrationStatus }>(`/api/connections/${encodeURIComponent(connectionId ?? status?.connectionId ?? "")}/${action}`, { method: "POST" }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.status }),
  });

  const calendarRef = several && connectionId ? `${provider.id}@${connectionId}` : provider.id;

  return (
    <Card
      data-testid={`integration-card-${provider.id}`}
      data-connection-id={connectionId ?? undefined}
      data-state={state}
      aria-labelledby={titleId}
      role="article"
      className={cn("gap-4 py-5", provider.comingSoon && "bg-muted/40")}
    >
      <CardHeader className="px-5">
        <div className="flex min-w-0 items-center gap-3">
          <ProviderIcon src={provider.icon} name={provider.name} />
          <div className="min-w-0">
            <CardTitle id={titleId} role="heading" aria-level={3} className="truncate">
              {provider.name}
            </CardTitle>
            {connected && status?.accountLabel ? (
              <p className="mt-1 truncate text-xs text-muted-foreground" data-testid={`integration-account-${provider.id}`} title={status.accountLabel}>
                {status.accountLabel}
              </p>
            ) : (
              <p className="mt-1 text-xs text-muted-foreground">{provider.authType === "oauth2" ? "OAuth" : "API key"}</p>
            )}
          </div>
        </div>
        <CardAction className="row-span-1">
          <Badge variant={badge.variant} data-testid={`integration-status-${provider.id}`}>
            {state === "active" && status?.connectionStatus === "syncing" && <RefreshCwIcon aria-hidden="true" className="animate-spin" />}
            {badge.label}
          </Badge>
        </CardAction>
        {!grouped && <CardDescription className="col-span-2 mt-2 line-clamp-3">{provider.description}</CardDescription>}
      </CardHeader>

      <CardContent className="grid flex-1 content-start gap-4 px-5">
        {connected && connectionId && connection && several && (
          <DefaultControls provider={provider} connectionId={connectionId} context={connection} canEdit={canEdit} paused={state === "paused"} />
        )}
        {!grouped && capabilities.length > 0 && (
          <ul aria-label="Capabilities" className="flex flex-wrap gap-1.5">
            {capabilities.map((capability) => (
              <li key={capability} className="rounded-sm bg-muted px-1.5 py-0.5 text-[11px] leading-4 text-muted-foreground">
                {CAPABILITY_LABELS[capability] ?? capability.replace(/_/g, " ")}
              </li>
            ))}
          </ul>
        )}

        {connected && status && <ConnectionDetails providerId={provider.id} status={status} />}
        {connected && connectionId && provider.connectionWebhookUrl && <ConnectionWebhookUrl provider={provider} connectionId={connectionId} />}
        {connected && status && (status.usage ?? []).length > 0 && <UsageStats usage={status.usage} />}
        {connected && !grouped && <IntegrationHealthSummary providerId={provider.id} />}
        {connected && status && status.circuitState !== "closed" && <CircuitNotice providerName={provider.name} state={status.circuitState} />}
        {connected && status?.lastError && (
          <div data-testid={`integration-last-error-${provider.id}`} className="rounded-md border border-destructive/20 bg-destructive/5 px-3 py-2 text-xs">
            <div className="flex items-center justify-between gap-2">
              <span className="font-medium text-destructive">Last error</span>
              <Badge variant="outline" className="border-destructive/20 text-[10px] text-destructive">
                {errorCategoryLabel(status.lastError.category)}
              </Badge>
            </div>
            <p className="mt-1 break-words text-destructive/90">{status.lastError.message}</p>
          </div>
        )}
        {canEdit && (state === "not_configured" || state === "not_connected") && <OAuthSetupNotice provider={provider} />}
        {state === "needs_reauth" && <p className="text-xs text-muted-foreground">{provider.name} no longer accepts the stored credentials. Reconnect to resume syncing.</p>}
        <TestResultView providerId={provider.id} pending={test.isPending} outcome={testOutcome} />
        {!provider.comingSoon && !grouped && <RateLimitNote providerId={provider.id} />}
        {revokeFailed && !connected && (
          <p data-testid={`integration-revoke-failed-${provider.id}`} className="text-xs text-muted-foreground">
            Disconnected. {provider.name} did not confirm that it revoked Plugboard&apos;s access; you can remove Plugboard from your {provider.name} account&apos;s connected apps.
          </p>
        )}
      </CardContent>

      <CardFooter className="flex-wrap gap-2 border-t px-5 pt-4 [.border-t]:pt-4">
        {canEdit && (
          <CardActions
            provider={provider}
            state={state}
            testing={test.isPending}
            onTest={() => test.mutate()}
            pausing={pause.isPending}
            onPause={(action) => pause.mutate(action)}
            onOpen={setDialog}
          />
        )}
        {canEdit && connected && addAccount}
        {!canEdit && provider.comingSoon && <span className="text-xs text-muted-foreground">Not available yet</span>}
        {!canEdit && !provider.comingSoon && <span className="text-xs text-muted-foreground">Read-only</span>}
        {connected && provider.category === "calendar" && (
          <Button asChild variant="outline" size="sm" data-testid={`integration-calendar-${provider.id}`}>
            <Link href={`/calendar?calendar=${encodeURIComponent(calendarRef)}`}>
              <CalendarDaysIcon aria-hidden="true" />
              Calendar
            </Link>
          </Button>
        )}
        {connected && (
          <Button asChild variant="ghost" size="icon" className="ml-auto size-8 text-muted-foreground">
            <Link href={`/activity?providerId=${encodeURIComponent(provider.id)}`} aria-label={`${provider.name} activity`} title={`${provider.name} activity`}>
              <ActivityIcon aria-hidden="true" />
            </Link>
          </Button>
        )}
      </CardFooter>

      {canEdit && provider.authFields.length > 0 && (
        <CredentialsDialog
          provider={provider}
          mode={dialog?.kind === "credentials" ? dialog.mode : "connect"}
          connection={connectionId ? { id: connectionId, accountLabel: status?.accountLabel ?? null } : null}
          open={dialog?.kind === "credentials"}
          onOpenChange={(open) => {
            if (!open) setDialog(null);
            else setTestOutcome(null);
          }}
        />
      )}
      {canEdit && connected && connectionId && (
        <DisconnectDialog
          provider={provider}
          connection={{ id: connectionId, accountLabel: status?.accountLabel ?? null, named: several }}
          open={dialog?.kind === "disconnect"}
          onOpenChange={(open) => !open && setDialog(null)}
          onDisconnected={(answer) => {
            setTestOutcome(null);
            onDisconnected?.(answer);
          }}
        />
      )}
    </Card>
  );
}

/** The URL to register at the provider for this connection's webhooks; viewers get it with the secret masked. */
function ConnectionWebhookUrl({ provider, connectionId }: { provider: Provider; connectionId: string }) {
  const answer = useConnectionWebhookUrl(connectionId);
  const inputId = React.useId();
  return (
    <div className="grid gap-1.5" data-testid={`integration-webhook-url-${provider.id}`}>
      <Label htmlFor={inputId} className="text-xs">
        Webhook URL
      </Label>
      {answer.isError ? (
        <p role="alert" className="text-xs text-destructive">
          {answer.error.message}
        </p>
      ) : answer.data?.masked ? (
        <Input id={inputId} readOnly value={answer.data.url} className="font-mono text-xs" data-testid={`integration-webhook-url-value-${provider.id}`} />
      ) : (
        <CopyField id={inputId} value={answer.data?.url ?? ""} copyLabel="Copy webhook URL" testId={`integration-webhook-url-value-${provider.id}`} />
      )}
      <p className="text-xs text-muted-foreground">
        {answer.data?.masked ? "An admin can copy the whole URL." : `Register it in ${provider.name} for this account's webhooks; it names this connection and carries its secret.`}
      </p>
    </div>
  );
}

/** The buttons an admin sees; which ones depends on the card's state and the provider's auth type. */
function CardActions({
  provider,
  state,
  testing,
  onTest,
  pausing,
  onPause,
  onOpen,
}: {
  provider: Provider;
  state: CardState;
  testing: boolean;
  onTest: () => void;
  pausing: boolean;
  onPause: (action: "pause" | "resume") => void;
  onOpen: (dialog: DialogState) => void;
}) {
  if (state === "coming_soon") {
    return <span className="text-xs text-muted-foreground">We are working on this integration.</span>;
  }
  if (state === "unknown") {
    return <span className="text-xs text-muted-foreground">Status unavailable right now.</span>;
  }
  if (state === "unavailable") {
    return <span className="text-xs text-muted-foreground">Not available on this deployment.</span>;
  }
  if (state === "not_configured") {
    return <span className="text-xs text-muted-foreground">Needs its OAuth app set up on the server first.</span>;
  }
  if (state === "not_connected") {
    const openKeyForm = () => onOpen({ kind: "credentials", mode: "connect" });
    // OAuth providers that also take an API key (Mailchimp) offer both ways in.
    return (
      <>
        {oauthConfigured(provider) && <ConnectAction provider={provider} label="Connect" onOpen={openKeyForm} />}
        {provider.authType === "oauth2" && provider.authFields.length > 0 && (
          <Button variant="outline" size="sm" onClick={openKeyForm} data-testid={`integration-api-key-${provider.id}`}>
            <KeyRoundIcon aria-hidden="true" />
            Use an API key
          </Button>
        )}
      </>
    );
  }

  return (
    <>
      {state === "needs_reauth" && <ConnectAction provider={provider} label="Reconnect" onOpen={() => onOpen({ kind: "credentials", mode: "reconnect" })} />}
      {state !== "needs_reauth" && (
        <Button
          variant="outline"
          size="sm"
          onClick={() => onPause(state === "paused" ? "resume" : "pause")}
          disabled={pausing}
          data-testid={`integration-${state === "paused" ? "resume" : "pause"}-${provider.id}`}
        >
          {state === "paused" ? <PlayIcon aria-hidden="true" /> : <PauseIcon aria-hidden="true" />}
          {state === "paused" ? "Resume" : "Pause"}
        </Button>
      )}
      <Button variant="outline" size="sm" onClick={onTest} disabled={testing || state === "paused"} aria-label="Test" data-testid={`integration-test-${provider.id}`}>
        {testing ? <LoaderCircleIcon aria-hidden="true" className="animate-spin" /> : <FlaskConicalIcon aria-hidden="true" />}
        {testing ? "Testing…" : "Test"}
      </Button>
      {provider.authType === "api_key" && state !== "needs_reauth" && (
        <Button variant="outline" size="sm" onClick={() => onOpen({ kind: "credentials", mode: "edit" })} data-testid={`integration-edit-${provider.id}`}>
          <PencilIcon aria-hidden="true" />
          Edit
        </Button>
      )}
      <Button
        variant="ghost"
        size="sm"
        className="text-destructive hover:bg-destructive/10 hover:text-destructive"
        onClick={() => onOpen({ kind: "disconnect" })}
        data-testid={`integration-disconnect-${provider.id}`}
      >
        <UnplugIcon aria-hidden="true" />
        Disconnect
      </Button>
    </>
  );
}

/**
 * How a provider gets connected: API-key providers open the credentials form; OAuth providers
 * send the browser to the server's OAuth start route (which redirects to the provider).
 */
function ConnectAction({ provider, label, onOpen }: { provider: Provider; label: "Connect" | "Reconnect"; onOpen: () => void }) {
  const testId = `integration-${label.toLowerCase()}-${provider.id}`;
  switch (provider.authType) {
    case "oauth2":
      return (
        <Button asChild size="sm" data-testid={testId}>
          <a href={`/api/integrations/${encodeURIComponent(provider.id)}/oauth/start`}>
            <PlugIcon aria-hidden="true" />
            {label}
          </a>
        </Button>
      );
    case "api_key":
    default:
      return (
        <Button size="sm" onClick={onOpen} data-testid={testId}>
          <PlugIcon aria-hidden="true" />
          {label}
        </Button>
      );
  }
}

/**
 * Which of the provider's accounts is used where nothing names one: a badge per capability this
 * connection is the admin-chosen default of, "Make default for …" (admins) for the others, and —
 * when no admin chose — "Used by default" on the connection Plugboard falls back on.
 */
function DefaultControls({
  provider,
  connectionId,
  context,
  canEdit,
  paused,
}: {
  provider: Provider;
  connectionId: string;
  context: ConnectionContext;
  canEdit: boolean;
  paused: boolean;
}) {
  const queryClient = useQueryClient();
  const makeDefault = useMutation({
    mutationFn: (slot: string) =>
      apiFetch<{ slot: string; connectionId: string }>(`/api/connections/${encodeURIComponent(connectionId)}/default`, { method: "PUT", body: { slot } }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.status }),
  });
  const slots = provider.slots ?? [];
  const chosen = slots.filter((slot) => context.defaultFor.includes(slot));
  const open = slots.filter((slot) => !context.defaultFor.includes(slot));
  if (!chosen.length && !context.usedByDefault && !(canEdit && open.length)) return null;
  return (
    <div className="grid gap-2" data-testid={`integration-defaults-${provider.id}`}>
      <div className="flex flex-wrap items-center gap-1.5">
        {chosen.map((slot) => (
          <Badge
            key={slot}
            variant="secondary"
            data-testid={`integration-default-${provider.id}`}
            data-slot-name={slot}
            title={`Plugboard uses this account for ${slotLabel(slot)} where nothing names one`}
          >
            <StarIcon aria-hidden="true" />
            Default for {slotLabel(slot)}
          </Badge>
        ))}
        {context.usedByDefault && (
          <Badge
            variant="outline"
            data-testid={`integration-used-by-default-${provider.id}`}
            title={`No admin chose a default ${provider.name} account: Plugboard uses this one where nothing names an account`}
          >
            Used by default
          </Badge>
        )}
        {canEdit &&
          open.map((slot) => (
            <Button
              key={slot}
              variant="outline"
              size="sm"
              className="h-7 px-2 text-xs"
              disabled={makeDefault.isPending || paused}
              title={paused ? "Resume this account before making it the default" : undefined}
              onClick={() => makeDefault.mutate(slot)}
              data-testid={`integration-make-default-${provider.id}`}
              data-slot-name={slot}
            >
              {makeDefault.isPending && makeDefault.variables === slot ? <LoaderCircleIcon aria-hidden="true" className="animate-spin" /> : <StarIcon aria-hidden="true" />}
              Make default for {slotLabel(slot)}
            </Button>
          ))}
      </div>
      {makeDefault.isError && (
        <p role="alert" className="text-xs text-destructive">
          {makeDefault.error.message}
        </p>
      )}
    </div>
  );
}

/**
 * Connects one more account of a provider that has one: API-key providers open the credentials
 * form (a new account adds a connection); OAuth providers go through the consent page, where the
 * user signs in with the other account.
 */
export function AddAccountAction({ provider, onOpenKeyForm }: { provider: Provider; onOpenKeyForm: () => void }) {
  const testId = `integration-add-account-${provider.id}`;
  if (provider.authType === "oauth2" && oauthConfigured(provider)) {
    return (
      <Button asChild variant="outline" size="sm" data-testid={testId}>
        <a href={`/api/integrations/${encodeURIComponent(provider.id)}/oauth/start`}>
          <PlusIcon aria-hidden="true" />
          Add another account
        </a>
      </Button>
    );
  }
  if (provider.authFields.length === 0) return null;
  return (
    <Button variant="outline" size="sm" onClick={onOpenKeyForm} data-testid={testId}>
      <PlusIcon aria-hidden="true" />
      Add another account
    </Button>
  );
}

function ConnectionDetails({ providerId, status }: { providerId: string; status: IntegrationStatus }) {
  const now = useNow();
  const expiry = status.tokenExpiresAt ? new Date(status.tokenExpiresAt).getTime() : null;
  const expiryTone =
    expiry === null || now === null
      ? ""
      : expiry < now
        ? "text-destructive"
        : // A token Plugboard renews by itself is no cause for concern until it has actually expired.
          !status.tokenRenews && expiry - now < 3 * 24 * 3600 * 1000
          ? "text-[color-mix(in_oklch,var(--warning)_55%,black)]"
          : "";

  return (
    <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1.5 text-xs" data-testid={`integration-details-${providerId}`}>
      <dt className="text-muted-foreground">Last sync</dt>
      <dd className="text-right">
        <RelativeTime value={status.lastSyncAt} />
      </dd>
      <dt className="text-muted-foreground">Last tested</dt>
      <dd className="text-right">
        <RelativeTime value={status.lastTestedAt} />
      </dd>
      {status.tokenExpiresAt && (
        <>
          <dt className="text-muted-foreground">{expiry !== null && now !== null && expiry < now ? "Token expired" : status.tokenRenews ? "Token renews" : "Token expires"}</dt>
          <dd className={cn("text-right", expiryTone)}>
            <RelativeTime value={status.tokenExpiresAt} />
          </dd>
        </>
      )}
    </dl>
  );
}

function UsageStats({ usage }: { usage: IntegrationStatus["usage"] }) {
  return (
    <dl aria-label="Usage" className="grid grid-cols-2 gap-2 sm:grid-cols-3">
      {usage.map((stat) => (
        <div key={stat.label} className="rounded-md bg-muted/60 px-2.5 py-2">
          <dd className="text-sm font-semibold tabular-nums">{formatNumber(stat.value)}</dd>
          <dt className="truncate text-[11px] text-muted-foreground" title={stat.label}>
            {stat.label}
          </dt>
        </div>
      ))}
    </dl>
  );
}

function CircuitNotice({ providerName, state }: { providerName: string; state: "open" | "half_open" }) {
  return (
    <div
      className="flex gap-2 rounded-md border border-warning/40 bg-warning/10 px-3 py-2 text-xs text-[color-mix(in_oklch,var(--warning)_45%,black)]"
      data-testid="circuit-state"
      data-circuit={state}
    >
      <TriangleAlertIcon aria-hidden="true" className="mt-0.5 size-3.5 shrink-0" />
      <p>
        {state === "open" ? (
          <>
            <span className="font-medium">Circuit open.</span> Calls to {providerName} are paused after repeated failures and resume automatically.
          </>
        ) : (
          <>
            <span className="font-medium">Circuit half-open.</span> Plugboard is letting a trial call through before resuming {providerName}.
          </>
        )}
      </p>
    </div>
  );
}

function TestResultView({ providerId, pending, outcome }: { providerId: string; pending: boolean; outcome: TestOutcome | null }) {
  let content: React.ReactNode = null;
  if (pending) {
    content = <span className="text-xs text-muted-foreground">Testing the connection…</span>;
  } else if (outcome?.kind === "result" && outcome.result.ok) {
    const { message, durationMs } = outcome.result;
    content = (
      <div className="flex gap-2 rounded-md border border-success/30 bg-success/5 px-3 py-2 text-xs text-[color-mix(in_oklch,var(--success)_70%,black)]">
        <CircleCheckIcon aria-hidden="true" className="mt-0.5 size-3.5 shrink-0" />
        <div className="min-w-0">
          <p>
            <span className="font-medium">Connection OK</span>
            <span className="text-muted-foreground"> · {durationMs} ms</span>
          </p>
          {message && message !== "Connection OK" && <p className="mt-0.5 break-words">{message}</p>}
        </div>
      </div>
    );
  } else if (outcome?.kind === "result") {
    const { message, durationMs, category } = outcome.result;
    content = (
      <div className="flex gap-2 rounded-md border border-destructive/20 bg-destructive/5 px-3 py-2 text-xs text-destructive">
        <CircleAlertIcon aria-hidden="true" className="mt-0.5 size-3.5 shrink-0" />
        <div className="min-w-0">
          <p>
            <span className="font-medium">Test failed</span>
            <span className="text-muted-foreground">
              {" "}
              · {durationMs} ms{category ? ` · ${errorCategoryLabel(category)}` : ""}
            </span>
          </p>
          <p className="mt-0.5 break-words">{message}</p>
        </div>
      </div>
    );
  } else if (outcome?.kind === "request_failed") {
    content = (
      <div className="flex gap-2 rounded-md border border-destructive/20 bg-destructive/5 px-3 py-2 text-xs text-destructive">
        <CircleAlertIcon aria-hidden="true" className="mt-0.5 size-3.5 shrink-0" />
        <p className="break-words">
          <span className="font-medium">{outcome.forbidden ? "Read-only: " : "Could not run the test: "}</span>
          {outcome.message}
        </p>
      </div>
    );
  }
  return (
    <div role="status" aria-live="polite" data-testid={`integration-test-result-${providerId}`} className={cn(!content && "hidden")}>
      {content}
    </div>
  );
}
