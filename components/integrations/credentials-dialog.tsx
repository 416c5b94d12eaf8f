"use client";

import * as React from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { CircleAlertIcon, ExternalLinkIcon, LoaderCircleIcon, LockIcon } from "lucide-react";

import { ApiRequestError, apiFetch } from "@/components/api/client";
import { queryKeys } from "@/components/api/queries";
import type { AuthField, IntegrationStatus, Provider, StatusResponse } from "@/components/api/types";
import { withConnectionStatus } from "@/components/integrations/state";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { NativeSelect, NativeSelectOption } from "@/components/ui/select";

/**
 * - connect: POST /api/integrations/[id]/connect with every required field (a new account adds a
 *   connection; an account that is already connected updates its own).
 * - edit: PATCH /api/connections/[connectionId]; empty fields keep their stored value.
 * - reconnect: the same PATCH after the provider rejected the stored credentials; secrets are required.
 */
export type CredentialsMode = "connect" | "edit" | "reconnect";

const COPY: Record<CredentialsMode, { title: (n: string) => string; submit: string; pending: string }> = {
  connect: { title: (n) => `Connect ${n}`, submit: "Connect", pending: "Connecting…" },
  edit: { title: (n) => `Edit ${n} connection`, submit: "Save changes", pending: "Saving…" },
  reconnect: { title: (n) => `Reconnect ${n}`, submit: "Reconnect", pending: "Reconnecting…" },
};

function isRequired(field: AuthField, mode: CredentialsMode) {
  if (mode === "connect") return field.required;
  if (mode === "reconnect") return field.required && field.secret;
  return false;
}

function inputType(field: AuthField): React.HTMLInputTypeAttribute {
  if (field.secret) return "password";
  return field.type;
}

/** Merges one connection's status the server sent back into the cached status answer (see withConnectionStatus). */
export function mergeStatus(queryClient: ReturnType<typeof useQueryClient>, status: IntegrationStatus, removed = false) {
  queryClient.setQueryData<StatusResponse>(queryKeys.status, (old) => (old ? withConnectionStatus(old, status, removed) : old));
}

function looksLikeStatus(value: unknown): value is IntegrationStatus {
  return !!value && typeof value === "object" && "connectionStatus" in value && "connected" in value;
}

interface CredentialsDialogProps {
  provider: Provider;
  mode: CredentialsMode;
  /** The connection an edit or reconnect changes. */
  connection?: { id: string; accountLabel: string | null } | null;
  /** Connecting one more account of a provider that already has one. */
  another?: boolean;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}

/** A fresh, empty form every time the dialog opens: each opening is keyed, so its values, errors and request start anew. */
export function CredentialsDialog(props: CredentialsDialogProps) {
  const [openings, setOpenings] = React.useState(0);
  const [wasOpen, setWasOpen] = React.useState(props.open);
  if (props.open !== wasOpen) {
    setWasOpen(props.open);
    if (props.open) setOpenings((n) => n + 1);
  }
  return <CredentialsDialogForm key={openings} {...props} />;
}

/** Where the form goes: a connect names the provider; a change names the connection (several accounts may share a provider). */
function credentialsRequest(provider: Provider, mode: CredentialsMode, connectionId: string | undefined): { url: string; method: "POST" | "PATCH" } {
  if (mode === "connect") return { url: `/api/integrations/${encodeURIComponent(provider.id)}/connect`, method: "POST" };
  if (connectionId) return { url: `/api/connections/${encodeURIComponent(connectionId)}`, method: "PATCH" };
  return { url: `/api/integrations/${encodeURIComponent(provider.id)}`, method: "PATCH" };
}

function CredentialsDialogForm({ provider, mode, connection, another = false, open, onOpenChange }: CredentialsDialogProps) {
  const fields = React.useMemo(() => provider.authFields ?? [], [provider.authFields]);
  const queryClient = useQueryClient();
  const [values, setValues] = React.useState<Record<string, string>>({});
  const [fieldErrors, setFieldErrors] = React.useState<Record<string, string>>({});
  const [formError, setFormError] = React.useState<{ title: string; message: string } | null>(null);
  const copy = COPY[mode];
  const idPrefix = `cred-${provider.id}`;

  const mutation = useMutation({
    mutationFn: (payload: Record<string, string>) => {
      const { url, method } = credentialsRequest(provider, mode, connection?.id);
      return apiFetch<unknown>(url, { method, body: { fields: payload } });
    },
    onSuccess: (data) => {
      if (looksLikeStatus(data)) mergeStatus(queryClient, data);
      void queryClient.invalidateQueries({ queryKey: queryKeys.status });
      onOpenChange(false);
    },
    onError: (error) => {
      if (error instanceof ApiRequestError) {
        const known = Object.fromEntries(Object.entries(error.fields).filter(([name]) => fields.some((f) => f.name === name)));
        setFieldErrors(known);
        if (error.status === 403) {
          setFormError({ title: "Read-only access", message: error.message });
        } else if (error.status === 422) {
          setFormError({ title: `${provider.name} rejected these credentials`, message: error.message });
        } else if (error.status === 400 && Object.keys(known).length > 0) {
          // The messages are under the fields; the summary sentence would repeat them.
          setFormError({ title: "Check the highlighted fields", message: "" });
        } else {
          setFormError({ title: mode === "connect" ? "Could not connect" : "Could not save", message: error.message });
        }
      } else {
        setFormError({ title: "Could not reach the server", message: (error as Error).message });
      }
    },
  });

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (mutation.isPending) return;
    const errors: Record<string, string> = {};
    const payload: Record<string, string> = {};
    for (const field of fields) {
      const raw = values[field.name] ?? "";
      const value = field.secret ? raw : raw.trim();
      if (!value) {
        if (isRequired(field, mode)) errors[field.name] = `${field.label} is required`;
        continue;
      }
      if (field.type === "number" && !Number.isFinite(Number(value))) {
        errors[field.name] = `${field.label} must be a number`;
        continue;
      }
      payload[field.name] = value;
    }
    setFieldErrors(errors);
    if (Object.keys(errors).length > 0) {
      setFormError(null);
      const first = fields.find((f) => errors[f.name]);
      if (first) document.getElementById(`${idPrefix}-${first.name}`)?.focus();
      return;
    }
    if (mode === "edit" && Object.keys(payload).length === 0) {
      setFormError({ title: "Nothing to save", message: "Fill in at least one field to change it." });
      return;
    }
    setFormError(null);
    mutation.mutate(payload);
  }

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        // Keep the dialog while a request is in flight so its answer has somewhere to show.
        if (!next && mutation.isPending) return;
        onOpenChange(next);
      }}
    >
      <DialogContent data-testid={`credentials-dialog-${provider.id}`}>
        <DialogHeader>
          <DialogTitle>{mode === "connect" && another ? `Add another ${provider.name} account` : copy.title(provider.name)}</DialogTitle>
          <DialogDescription>
            {mode !== "connect" && connection?.accountLabel && (
              <>
                Account: <span className="font-medium text-foreground">{connection.accountLabel}</span>.{" "}
              </>
            )}
            {mode === "connect" && another && "Credentials of an account that is already connected update its connection. "}
            {mode === "edit"
              ? "Only the fields you fill in change. Secret fields left empty keep their stored value."
              : `Enter the credentials from your ${provider.name} account.`}{" "}
            Secrets are encrypted before they are stored and are never shown again.
          </DialogDescription>
        </DialogHeader>

        <form id={`${idPrefix}-form`} noValidate onSubmit={onSubmit} className="grid gap-4">
          {fields.length === 0 && <p className="text-sm text-muted-foreground">{provider.name} has no credential fields to fill in.</p>}
          {fields.map((field) => {
            const id = `${idPrefix}-${field.name}`;
            const error = fieldErrors[field.name];
            const required = isRequired(field, mode);
            const describedBy = [field.help ? `${id}-help` : null, error ? `${id}-error` : null].filter(Boolean).join(" ");
            return (
              <div key={field.name} className="grid gap-2">
                <Label htmlFor={id}>
                  {field.label}
                  {required && (
                    <span aria-hidden="true" className="text-destructive">
                      *
                    </span>
                  )}
                  {field.secret && <LockIcon aria-hidden="true" className="size-3 text-muted-foreground" />}
                </Label>
                {field.options ? (
                  <NativeSelect
                    id={id}
                    name={field.name}
                    wrapperClassName="w-full"
                    value={values[field.name] ?? ""}
                    onChange={(e) => {
                      const value = e.target.value;
                      setValues((v) => ({ ...v, [field.name]: value }));
                    }}
                    aria-required={required || undefined}
                    aria-invalid={error ? true : undefined}
                    aria-describedby={describedBy || undefined}
                    disabled={mutation.isPending}
                  >
                    <NativeSelectOption value="">{mode === "edit" ? "Keep the stored value" : (field.placeholder ?? "Choose…")}</NativeSelectOption>
                    {field.options.map((option) => (
                      <NativeSelectOption key={option.value} value={option.value}>
                        {option.label}
                      </NativeSelectOption>
                    ))}
                  </NativeSelect>
                ) : (
                  <Input
                    id={id}
                    name={field.name}
                    type={inputType(field)}
                    inputMode={field.type === "number" ? "decimal" : undefined}
                    autoComplete={field.secret ? "new-password" : "off"}
                    spellCheck={false}
                    placeholder={field.secret && mode === "edit" ? "Leave empty to keep the stored value" : field.placeholder}
                    value={values[field.name] ?? ""}
                    onChange={(e) => {
                      const value = e.target.value;
                      setValues((v) => ({ ...v, [field.name]: value }));
                      if (fieldErrors[field.name]) {
                        setFieldErrors(({ [field.name]: _removed, ...rest }) => rest);
                      }
                    }}
                    aria-required={required || undefined}
                    aria-invalid={error ? true : undefined}
                    aria-describedby={describedBy || undefined}
                    disabled={mutation.isPending}
                  />
                )}
                {field.help && (
                  <p id={`${id}-help`} className="text-xs text-muted-foreground">
                    {field.help}
                  </p>
                )}
                {error && (
                  <p id={`${id}-error`} className="text-xs font-medium text-destructive" data-testid={`field-error-${field.name}`}>
                    {error}
                  </p>
                )}
              </div>
            );
          })}

          {formError && (
            <Alert variant="destructive" data-testid="credentials-error">
              <CircleAlertIcon aria-hidden="true" />
              <AlertTitle>{formError.title}</AlertTitle>
              {formError.message && (
                <AlertDescription>
                  <p>{formError.message}</p>
                </AlertDescription>
              )}
            </Alert>
          )}
        </form>

        <DialogFooter className="items-center sm:justify-between">
          {provider.docsUrl ? (
            <a
              href={provider.docsUrl}
              target="_blank"
              rel="noopener noreferrer"
              className="inline-flex items-center gap-1 text-sm text-muted-foreground underline-offset-4 hover:text-foreground hover:underline"
            >
              Where do I find these?
              <ExternalLinkIcon aria-hidden="true" className="size-3.5" />
            </a>
          ) : (
            <span />
          )}
          <div className="flex flex-col-reverse gap-2 sm:flex-row">
            <Button type="button" variant="outline" onClick={() => onOpenChange(false)} disabled={mutation.isPending}>
              Cancel
            </Button>
            <Button
              type="submit"
              form={`${idPrefix}-form`}
              disabled={mutation.isPending || fields.length === 0}
              data-testid={`credentials-submit-${provider.id}`}
              aria-label={copy.submit}
            >
              {mutation.isPending && <LoaderCircleIcon aria-hidden="true" className="animate-spin" />}
              {mutation.isPending ? copy.pending : copy.submit}
            </Button>
          </div>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
