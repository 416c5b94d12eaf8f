"use client";

import * as React from "react";
import { CircleAlertIcon, LoaderCircleIcon, PlusIcon, Trash2Icon } from "lucide-react";

import { ApiRequestError, errorMessage } from "@/components/api/client";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { ALL_EVENTS, useCreateEndpoint, useUpdateEndpoint, type CatalogEvent, type Endpoint, type EndpointInput, type EndpointWithSecret } from "@/components/webhooks/api";
import { cn } from "@/lib/utils";

interface HeaderRow {
  key: number;
  name: string;
  value: string;
  /** Stored already: the value is never shown; empty keeps it. */
  stored: boolean;
  removed: boolean;
}

let rowKey = 0;

function groupByPrefix(catalog: CatalogEvent[]) {
  const groups = new Map<string, CatalogEvent[]>();
  for (const event of catalog) {
    const prefix = event.type.split(".")[0]!;
    groups.set(prefix, [...(groups.get(prefix) ?? []), event]);
  }
  return [...groups.entries()];
}

/** Create (no `endpoint`) or edit an endpoint. On create, `onCreated` gets the secret to show once. */
export function EndpointDialog({
  open,
  onOpenChange,
  catalog,
  endpoint,
  onCreated,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  catalog: CatalogEvent[];
  endpoint?: Endpoint;
  onCreated?: (created: EndpointWithSecret) => void;
}) {
  const editing = Boolean(endpoint);
  const create = useCreateEndpoint();
  const update = useUpdateEndpoint(endpoint?.id ?? "");
  const mutation = editing ? update : create;

  const [name, setName] = React.useState("");
  const [url, setUrl] = React.useState("");
  const [allEvents, setAllEvents] = React.useState(true);
  const [selected, setSelected] = React.useState<Set<string>>(new Set());
  const [headers, setHeaders] = React.useState<HeaderRow[]>([]);
  const [fieldErrors, setFieldErrors] = React.useState<Record<string, string>>({});
  const [formError, setFormError] = React.useState<string | null>(null);

  const { reset: resetCreate } = create;
  const { reset: resetUpdate } = update;
  React.useEffect(() => {
    if (!open) return;
    resetCreate();
    resetUpdate();
    setName(endpoint?.name ?? "");
    setUrl(endpoint?.url ?? "");
    setAllEvents(endpoint ? endpoint.events.includes(ALL_EVENTS) : true);
    setSelected(new Set(endpoint && !endpoint.events.includes(ALL_EVENTS) ? endpoint.events : []));
    setHeaders((endpoint?.headerNames ?? []).map((n) => ({ key: rowKey++, name: n, value: "", stored: true, removed: false })));
    setFieldErrors({});
    setFormError(null);
  }, [open, endpoint, resetCreate, resetUpdate]);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setFieldErrors({});
    setFormError(null);
    const events = allEvents ? [ALL_EVENTS] : [...selected].sort();
    if (!events.length) {
      setFieldErrors({ events: "Pick at least one event, or All events" });
      return;
    }
    const headerChanges: Record<string, string | null> = {};
    for (const row of headers) {
      const n = row.name.trim();
      if (!n) continue;
      if (row.removed) {
        if (row.stored) headerChanges[n] = null;
      } else if (!row.stored || row.value !== "") {
        headerChanges[n] = row.value;
      }
    }
    const input: EndpointInput = { name: name.trim(), url: url.trim(), events, headers: headerChanges };
    try {
      if (editing) {
        const { headers: changes, ...rest } = input;
        await update.mutateAsync(Object.keys(changes).length ? input : rest);
      } else {
        onCreated?.(await create.mutateAsync(input));
      }
      onOpenChange(false);
    } catch (error) {
      if (error instanceof ApiRequestError && Object.keys(error.fields).length) {
        setFieldErrors(error.fields);
        if (!["name", "url", "events"].some((f) => error.fields[f]) && !Object.keys(error.fields).some((f) => f.startsWith("headers"))) setFormError(error.message);
      } else {
        setFormError(errorMessage(error));
      }
    }
  };

  const headerErrors = Object.entries(fieldErrors).filter(([k]) => k.startsWith("headers"));

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        if (!next && mutation.isPending) return;
        onOpenChange(next);
      }}
    >
      <DialogContent className="sm:max-w-2xl" data-testid="webhook-endpoint-dialog">
        <DialogHeader>
          <DialogTitle>{editing ? `Edit ${endpoint!.name}` : "Add a webhook endpoint"}</DialogTitle>
          <DialogDescription>Plugboard POSTs the events you pick to this URL, signed with the endpoint&apos;s secret.</DialogDescription>
        </DialogHeader>
        <form id="webhook-endpoint-form" className="grid gap-5" onSubmit={submit} noValidate>
          <Field id="webhook-name" label="Name" error={fieldErrors.name}>
            <Input
              id="webhook-name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              placeholder="Ops backend"
              maxLength={100}
              disabled={mutation.isPending}
              aria-invalid={fieldErrors.name ? true : undefined}
            />
          </Field>
          <Field id="webhook-url" label="URL" error={fieldErrors.url} help="https only. Private and internal addresses are refused unless your administrator allows them.">
            <Input
              id="webhook-url"
              type="url"
              inputMode="url"
              spellCheck={false}
              value={url}
              onChange={(e) => setUrl(e.target.value)}
              placeholder="https://hooks.example.com/plugboard"
              disabled={mutation.isPending}
              aria-invalid={fieldErrors.url ? true : undefined}
            />
          </Field>

          <fieldset className="grid gap-2" aria-describedby={fieldErrors.events ? "webhook-events-error" : undefined}>
            <legend className="mb-1 text-sm font-medium">Events</legend>
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" className="size-4 accent-primary" checked={allEvents} onChange={(e) => setAllEvents(e.target.checked)} disabled={mutation.isPending} />
              {/* In a span: bare text beside <code> in the flex label would become separate, gapped items. */}
              <span>
                All events (<code>*</code>), including ones added later
              </span>
            </label>
            {!allEvents && (
              <div className="grid max-h-64 gap-3 overflow-y-auto rounded-md border p-3 sm:grid-cols-2" data-testid="webhook-event-picker">
                {groupByPrefix(catalog).map(([prefix, events]) => (
                  <div key={prefix} className="grid gap-1">
                    <p className="text-xs font-medium tracking-wide text-muted-foreground uppercase">{prefix}</p>
                    {events.map((event) => (
                      <label key={event.type} className="flex items-center gap-2 text-sm" title={event.description}>
                        <input
                          type="checkbox"
                          className="size-4 accent-primary"
                          checked={selected.has(event.type)}
                          disabled={mutation.isPending}
                          onChange={(e) =>
                            setSelected((s) => {
                              const next = new Set(s);
                              if (e.target.checked) next.add(event.type);
                              else next.delete(event.type);
                              return next;
                            })
                          }
                        />
                        <code className="text-xs">{event.type}</code>
                      </label>
                    ))}
                  </div>
                ))}
              </div>
            )}
            {fieldErrors.events && (
              <p id="webhook-events-error" className="text-xs font-medium text-destructive">
                {fieldErrors.events}
              </p>
            )}
          </fieldset>

          <fieldset className="grid gap-2">
            <legend className="mb-1 text-sm font-medium">Custom headers</legend>
            <p className="text-xs text-muted-foreground">
              Sent with every request (for example your receiver&apos;s own Authorization). Values are stored encrypted and never shown again.
            </p>
            {headers.map((row, i) => (
              <div key={row.key} className={cn("flex items-center gap-2", row.removed && "opacity-50")}>
                <Input
                  aria-label={`Header ${i + 1} name`}
                  value={row.name}
                  readOnly={row.stored}
                  placeholder="Authorization"
                  className="font-mono text-xs sm:w-56"
                  onChange={(e) => setHeaders((h) => h.map((r) => (r.key === row.key ? { ...r, name: e.target.value } : r)))}
                  disabled={mutation.isPending || row.removed}
                />
                <Input
                  aria-label={`Header ${i + 1} value`}
                  type="password"
                  autoComplete="new-password"
                  value={row.value}
                  placeholder={row.stored ? "Leave empty to keep the stored value" : "Value"}
                  className="font-mono text-xs"
                  onChange={(e) => setHeaders((h) => h.map((r) => (r.key === row.key ? { ...r, value: e.target.value } : r)))}
                  disabled={mutation.isPending || row.removed}
                />
                <Button
                  type="button"
                  variant="ghost"
                  size="icon"
                  aria-label={row.removed ? `Keep header ${row.name || i + 1}` : `Remove header ${row.name || i + 1}`}
                  onClick={() => setHeaders((h) => (row.stored ? h.map((r) => (r.key === row.key ? { ...r, removed: !r.removed } : r)) : h.filter((r) => r.key !== row.key)))}
                  disabled={mutation.isPending}
                >
                  <Trash2Icon aria-hidden="true" />
                </Button>
              </div>
            ))}
            <Button
              type="button"
              variant="outline"
              size="sm"
              className="justify-self-start"
              onClick={() => setHeaders((h) => [...h, { key: rowKey++, name: "", value: "", stored: false, removed: false }])}
              disabled={mutation.isPending || headers.length >= 20}
            >
              <PlusIcon aria-hidden="true" />
              Add header
            </Button>
            {headerErrors.map(([key, message]) => (
              <p key={key} className="text-xs font-medium text-destructive">
                {key.replace(/^headers\.?/, "") || "Headers"}: {message}
              </p>
            ))}
          </fieldset>

          {formError && (
            <Alert variant="destructive" data-testid="webhook-endpoint-error">
              <CircleAlertIcon aria-hidden="true" />
              <AlertTitle>Not saved</AlertTitle>
              <AlertDescription>
                <p>{formError}</p>
              </AlertDescription>
            </Alert>
          )}
        </form>
        <DialogFooter>
          <Button type="button" variant="outline" onClick={() => onOpenChange(false)} disabled={mutation.isPending}>
            Cancel
          </Button>
          <Button type="submit" form="webhook-endpoint-form" disabled={mutation.isPending}>
            {mutation.isPending && <LoaderCircleIcon aria-hidden="true" className="animate-spin" />}
            {editing ? "Save" : "Add endpoint"}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

function Field({ id, label, error, help, children }: { id: string; label: string; error?: string; help?: string; children: React.ReactNode }) {
  return (
    <div className="grid gap-1.5">
      <Label htmlFor={id}>{label}</Label>
      {children}
      {help && !error && <p className="text-xs text-muted-foreground">{help}</p>}
      {error && (
        <p className="text-xs font-medium text-destructive" data-testid={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}
