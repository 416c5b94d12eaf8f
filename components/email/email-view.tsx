"use client";

import * as React from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { CircleCheckIcon, LoaderCircleIcon, SendIcon } from "lucide-react";

import { apiFetch } from "@/components/api/client";
import { joinNames, useProviderName, useProviders } from "@/components/api/catalog";
import type { Jsonify, Provider } from "@/components/api/types";
import { Problem } from "@/components/crm/problem";
import { useCurrentUser } from "@/components/shell/use-current-user";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { NativeSelect, NativeSelectOption } from "@/components/ui/select";
import { Skeleton } from "@/components/ui/skeleton";
import type { EmailPreview, TemplateInfo, sendTestEmail } from "@/lib/email/dashboard";

type Preview = Jsonify<EmailPreview>;
type TestAnswer = Jsonify<Awaited<ReturnType<typeof sendTestEmail>>>;

const sendsEmail = (p: Provider) => p.slots.includes("email");

export function EmailView() {
  const { user, canEdit } = useCurrentUser();
  const templates = useQuery({
    queryKey: ["email", "templates"],
    queryFn: ({ signal }) => apiFetch<{ templates: TemplateInfo[] }>("/api/email/templates", { signal }),
    staleTime: Infinity,
  });
  const [template, setTemplate] = React.useState("webinar_registration");
  const [language, setLanguage] = React.useState("en");
  const [view, setView] = React.useState<"html" | "text">("html");
  const [to, setTo] = React.useState("");
  const preview = useQuery({
    queryKey: ["email", "preview", template, language],
    queryFn: ({ signal }) => apiFetch<Preview>(`/api/email/preview?template=${encodeURIComponent(template)}&language=${encodeURIComponent(language)}`, { signal }),
  });
  const send = useMutation({
    mutationFn: () => apiFetch<TestAnswer>("/api/email/test", { method: "POST", body: { template, language, ...(to.trim() ? { to: to.trim() } : {}) } }),
  });
  const info = templates.data?.templates.find((t) => t.id === template);
  const senders = useProviders(sendsEmail);
  const providerName = useProviderName();

  return (
    <div className="grid gap-6">
      <div className="grid gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">Email</h1>
        <p className="text-sm text-muted-foreground">
          The emails Plugboard sends, in English and German, through the email provider you connected
          {senders.length
            ? ` (${joinNames(
                senders.map((p) => p.name),
                "or",
              )})`
            : ""}
          .
        </p>
      </div>

      <div className="grid gap-6 lg:grid-cols-[20rem_1fr]">
        <Card className="h-fit gap-4 py-5">
          <CardHeader className="px-5">
            <CardTitle>Template</CardTitle>
            <CardDescription>{info?.description ?? "Choose a template to preview."}</CardDescription>
          </CardHeader>
          <CardContent className="grid gap-4 px-5">
            <div className="grid gap-2">
              <Label htmlFor="email-template">Template</Label>
              <NativeSelect id="email-template" wrapperClassName="w-full" value={template} onChange={(e) => setTemplate(e.target.value)}>
                {(templates.data?.templates ?? []).map((t) => (
                  <NativeSelectOption key={t.id} value={t.id}>
                    {t.id}
                  </NativeSelectOption>
                ))}
              </NativeSelect>
            </div>
            <div className="grid gap-2">
              <Label htmlFor="email-language">Language</Label>
              <NativeSelect id="email-language" wrapperClassName="w-full" value={language} onChange={(e) => setLanguage(e.target.value)}>
                {(
                  info?.languages ?? [
                    { code: "en", name: "English" },
                    { code: "de", name: "German" },
                  ]
                ).map((l) => (
                  <NativeSelectOption key={l.code} value={l.code}>
                    {l.name}
                  </NativeSelectOption>
                ))}
              </NativeSelect>
            </div>
            {info && (
              <p className="text-xs text-muted-foreground">
                Values: {info.required.join(", ")}
                {info.optional.length > 0 && ` (optional: ${info.optional.join(", ")})`}
              </p>
            )}
            {canEdit && (
              <form
                className="grid gap-2 border-t pt-4"
                onSubmit={(e) => {
                  e.preventDefault();
                  send.mutate();
                }}
              >
                <Label htmlFor="email-test-to">Send a test to</Label>
                <Input id="email-test-to" type="email" placeholder={user?.email ?? "you@example.com"} value={to} onChange={(e) => setTo(e.target.value)} />
                <Button type="submit" size="sm" disabled={send.isPending} data-testid="email-send-test">
                  {send.isPending ? <LoaderCircleIcon aria-hidden="true" className="animate-spin" /> : <SendIcon aria-hidden="true" />}
                  Send test email
                </Button>
                {send.isError && <Problem title="Could not send" error={send.error} />}
                {send.data &&
                  (send.data.result.ok ? (
                    <Alert data-testid="email-test-result">
                      <CircleCheckIcon aria-hidden="true" />
                      <AlertTitle>Sent to {send.data.to}</AlertTitle>
                      <AlertDescription>
                        <p>Through {providerName(send.data.result.provider)}.</p>
                      </AlertDescription>
                    </Alert>
                  ) : (
                    <Problem title="Not sent" message={send.data.result.message} testId="email-test-result" />
                  ))}
              </form>
            )}
          </CardContent>
        </Card>

        <Card className="gap-4 py-5" data-testid="email-preview">
          <CardHeader className="px-5">
            <CardDescription>Subject</CardDescription>
            <CardTitle data-testid="email-preview-subject">{preview.data?.subject ?? " "}</CardTitle>
          </CardHeader>
          <CardContent className="grid gap-3 px-5">
            <div className="flex gap-1" role="tablist" aria-label="Part">
              {(["html", "text"] as const).map((part) => (
                <Button key={part} role="tab" aria-selected={view === part} size="sm" variant={view === part ? "secondary" : "ghost"} onClick={() => setView(part)}>
                  {part === "html" ? "HTML" : "Plain text"}
                </Button>
              ))}
            </div>
            {preview.isError ? (
              <Problem title="No preview" error={preview.error} />
            ) : !preview.data ? (
              <Skeleton className="h-96 w-full rounded-md" />
            ) : view === "html" ? (
              // Sandboxed: the preview can run no script and reach nothing of the page.
              <iframe title="HTML preview" sandbox="" srcDoc={preview.data.html} className="h-[32rem] w-full rounded-md border bg-white" />
            ) : (
              <pre className="max-h-[32rem] overflow-auto whitespace-pre-wrap rounded-md border bg-muted/40 p-4 text-sm" data-testid="email-preview-text">
                {preview.data.text}
              </pre>
            )}
          </CardContent>
        </Card>
      </div>
    </div>
  );
}
