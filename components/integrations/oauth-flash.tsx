"use client";

import * as React from "react";
import { useQueryClient } from "@tanstack/react-query";
import { CircleAlertIcon, CircleCheckIcon, XIcon } from "lucide-react";

import { queryKeys } from "@/components/api/queries";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";

// Set by the OAuth callback (lib/connections/oauth/http.ts) just before it sends the browser back here.
const FLASH_COOKIE = "plugboard_flash";

interface Flash {
  providerId: string;
  ok: boolean;
  message: string;
}

function takeFlash(): Flash | null {
  const entry = document.cookie.split("; ").find((c) => c.startsWith(`${FLASH_COOKIE}=`));
  if (!entry) return null;
  // Shown once: the cookie goes as soon as it is read.
  document.cookie = `${FLASH_COOKIE}=; Max-Age=0; Path=/; SameSite=Lax`;
  try {
    const flash = JSON.parse(decodeURIComponent(entry.slice(FLASH_COOKIE.length + 1))) as Partial<Flash>;
    if (typeof flash.message !== "string" || typeof flash.ok !== "boolean") return null;
    return { providerId: String(flash.providerId ?? ""), ok: flash.ok, message: flash.message };
  } catch {
    return null;
  }
}

/** How the last OAuth connect went ("Google Calendar connected as …" or what went wrong). */
export function OAuthFlash() {
  const [flash, setFlash] = React.useState<Flash | null>(null);
  const queryClient = useQueryClient();

  React.useEffect(() => {
    const taken = takeFlash();
    if (!taken) return;
    setFlash(taken);
    void queryClient.invalidateQueries({ queryKey: queryKeys.status });
  }, [queryClient]);

  if (!flash) return null;
  return (
    <Alert variant={flash.ok ? "success" : "destructive"} data-testid="oauth-flash" data-provider={flash.providerId} className="pr-10">
      {flash.ok ? <CircleCheckIcon aria-hidden="true" /> : <CircleAlertIcon aria-hidden="true" />}
      <AlertDescription>
        <p>{flash.message}</p>
      </AlertDescription>
      <Button variant="ghost" size="icon" className="absolute top-2 right-2 size-7" aria-label="Dismiss" onClick={() => setFlash(null)}>
        <XIcon aria-hidden="true" />
      </Button>
    </Alert>
  );
}
