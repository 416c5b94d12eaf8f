"use client";

import { SettingsIcon } from "lucide-react";

import type { Provider } from "@/components/api/types";

/**
 * What a deployment needs before an OAuth provider can be connected: the environment variables to
 * set and the exact redirect URI to register with the provider's OAuth app.
 */
export function OAuthSetupNotice({ provider }: { provider: Provider }) {
  const setup = provider.oauth?.setup;
  if (!setup || setup.configured) return null;
  return (
    <div data-testid={`oauth-setup-${provider.id}`} className="grid gap-1.5 rounded-md border border-dashed px-3 py-2 text-xs text-muted-foreground">
      <p className="flex items-center gap-1.5 font-medium text-foreground">
        <SettingsIcon aria-hidden="true" className="size-3.5" />
        {provider.authFields.length > 0 ? `To sign in with ${provider.name} instead of a key` : `To connect ${provider.name}`}
      </p>
      <p>
        Create an OAuth app at {provider.name}, then set{" "}
        {setup.missing.map((name, i) => (
          <span key={name}>
            {i > 0 && " and "}
            <code className="rounded bg-muted px-1 py-0.5 text-[11px] text-foreground">{name}</code>
          </span>
        ))}{" "}
        on the server. Register this redirect URI:
      </p>
      <code data-testid={`oauth-redirect-uri-${provider.id}`} className="block rounded bg-muted px-1.5 py-1 text-[11px] break-all text-foreground select-all">
        {setup.redirectUri}
      </code>
    </div>
  );
}
