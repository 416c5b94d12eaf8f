"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";

export function SetupForm({ initialToken }: { initialToken: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setFieldErrors({});
    const form = new FormData(event.currentTarget);
    const body = Object.fromEntries(["token", "workspaceName", "name", "email", "password"].map((k) => [k, String(form.get(k) ?? "")]));
    const response = await fetch("/api/setup", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    if (response.ok) {
      // The admin just chose this password: sign them in rather than asking for it again.
      const signedIn = await signIn("credentials", { email: body.email!.trim(), password: body.password!, redirect: false, callbackUrl: "/integrations" });
      setBusy(false);
      router.push(signedIn?.ok && !signedIn.error ? "/integrations" : "/login?setup=done");
      return;
    }
    setBusy(false);
    const data = (await response.json().catch(() => ({}))) as { error?: string; fields?: Record<string, string> };
    setError(data.error ?? "Setup failed");
    setFieldErrors(data.fields ?? {});
  }

  const field = (name: string, label: string, type = "text", defaultValue = "", autoComplete?: string) => (
    <div className="space-y-1.5">
      <label htmlFor={name} className="text-sm font-medium">
        {label}
      </label>
      <input
        id={name}
        name={name}
        type={type}
        defaultValue={defaultValue}
        autoComplete={autoComplete}
        className="h-9 w-full rounded-md border border-input bg-background px-3 text-sm shadow-xs outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50"
      />
      {fieldErrors[name] ? <p className="text-sm text-destructive">{fieldErrors[name]}</p> : null}
    </div>
  );

  return (
    <form onSubmit={onSubmit} className="w-full max-w-md space-y-4 rounded-xl border bg-card p-6 shadow-sm">
      <div>
        <h1 className="text-xl font-semibold">Set up Plugboard</h1>
        <p className="text-sm text-muted-foreground">Create the first admin. The setup token is printed in the server log at start; this page closes once an admin exists.</p>
      </div>
      {error ? (
        <div role="alert" className="rounded-md border border-destructive/40 bg-destructive/5 px-3 py-2 text-sm text-destructive">
          {error}
        </div>
      ) : null}
      {field("token", "Setup token", "password", initialToken, "off")}
      {field("workspaceName", "Workspace name", "text", "", "organization")}
      {field("name", "Your name", "text", "", "name")}
      {field("email", "Email", "email", "", "email")}
      {field("password", "Password", "password", "", "new-password")}
      <button
        type="submit"
        disabled={busy}
        className="inline-flex h-9 w-full items-center justify-center rounded-md bg-primary px-4 text-sm font-medium text-primary-foreground hover:bg-primary/90 disabled:opacity-50"
      >
        {busy ? "Creating…" : "Create admin"}
      </button>
    </form>
  );
}
