import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getServerSession } from "next-auth";
import { CircleCheckIcon, PlugZapIcon } from "lucide-react";

import { safeCallbackPath } from "@/lib/auth/callback-url";
import { LoginForm } from "@/components/auth/login-form";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { authOptions } from "@/lib/auth/options";

export const metadata: Metadata = { title: "Sign in · Plugboard" };

function first(value: string | string[] | undefined): string | null {
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = first(params.callbackUrl);
  const session = await getServerSession(authOptions);
  if (session?.user) redirect(safeCallbackPath(callbackUrl));

  return (
    <main className="flex min-h-screen items-center justify-center bg-muted/30 px-4 py-12">
      <div className="grid w-full max-w-sm gap-6">
        <div className="flex items-center justify-center gap-2 text-lg font-semibold tracking-tight">
          <span className="flex size-8 items-center justify-center rounded-md bg-primary text-primary-foreground">
            <PlugZapIcon className="size-4.5" aria-hidden="true" />
          </span>
          Plugboard
        </div>
        <Card>
          <CardHeader>
            <CardTitle role="heading" aria-level={1} className="text-xl">
              Sign in
            </CardTitle>
            <CardDescription>Use the email and password of your Plugboard account.</CardDescription>
          </CardHeader>
          <CardContent className="grid gap-4">
            {first(params.setup) === "done" && (
              <Alert variant="success" role="status" data-testid="setup-done">
                <CircleCheckIcon aria-hidden="true" />
                <AlertTitle>Plugboard is set up</AlertTitle>
                <AlertDescription>
                  <p>Sign in with the email and password you just chose.</p>
                </AlertDescription>
              </Alert>
            )}
            <LoginForm callbackUrl={callbackUrl} initialError={first(params.error)} />
          </CardContent>
        </Card>
        <p className="text-center text-xs text-muted-foreground">No account yet? Ask an admin of your workspace to create one.</p>
      </div>
    </main>
  );
}
