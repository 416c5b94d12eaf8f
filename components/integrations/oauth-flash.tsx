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

function flashCookie(): string | undefined {
  return document.cookie.split("; ").find((c) => c.startsWith(`${FLASH_COOKIE}=`));
}

/** The flash in the cookie, without removing it: rendering may call this more than once. */
function readFlash(): Flash | null {
  const entry = flashCookie();
  if (!entry) return null;
  try {
    const flash = JSON.parse(decodeURIComponent(entry.slice(FLASH_COOKIE.length + 1))) as Partial<Flash>;
    if (typeof flash.message !== "string" || typeof flash.ok !== "boolean") return null;
    return { providerId: String(flash.providerId ?? ""), ok: flash.ok, message: flash.message };
  } catch {
    return null;
  }
}

function takeFlash(): Flash | null {
  const flash = readFlash();
  // Shown once: the cookie goes as soon as it is read.
  if (flashCookie()) document.cookie = `${FLASH_COOKIE}=; Max-Age=0; Path=/; SameSite=Lax`;
  return flash;
}

const subscribeToNothing = () => () => {};

/** How the last OAuth connect went ("Google Calendar connected as …" or what went wrong). */
export function OAuthFlash() {
  // The cookie is only readable in the browser: nothing on the server nor while hydrating (so the markup matches), then the flash.
  const inBrowser = React.useSyncExternalStore(
    subscribeToNothing,
    () => true,
    () => false,
  );
  return inBrowser ? <FlashAlert /> : null;
}

function FlashAlert() {
  const [flash, setFlash] = React.useState(readFlash);
  const queryClient = useQueryClient();

  React.useEffect(() => {
    // The callback just connected (or failed to connect) a provider: its status is fetched again.
    if (takeFlash()) void queryClient.invalidateQueries({ queryKey: queryKeys.status });
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
