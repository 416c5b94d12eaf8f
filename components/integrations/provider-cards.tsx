"use client";

import * as React from "react";

import { IntegrationHealthSummary, RateLimitNote } from "@/components/health/health-status";
import { CredentialsDialog } from "@/components/integrations/credentials-dialog";
import { AddAccountAction, IntegrationCard } from "@/components/integrations/integration-card";
import { ProviderIcon } from "@/components/integrations/provider-icon";
import type { ProviderCards } from "@/components/integrations/state";

/**
 * One provider on the dashboard. Without a live connection: its single card (Connect). With one:
 * that connection's card, which offers "Add another account". With several: a full-width group —
 * the provider's name, description, health and "Add another account" once in its header, then a
 * compact card per account — so twenty accounts stay together and readable.
 */
export function ProviderSection({ cards, canEdit, statusUnknown }: { cards: ProviderCards; canEdit: boolean; statusUnknown: boolean }) {
  const { provider, connections, placeholder, usedByDefault } = cards;
  const [adding, setAdding] = React.useState(false);
  // A failed revoke is said where the provider is still shown, even after its card has gone.
  const [revokeFailed, setRevokeFailed] = React.useState(false);
  const onDisconnected = (answer: { revoke?: string }) => setRevokeFailed(answer.revoke === "failed");
  const addAccount = canEdit ? <AddAccountAction provider={provider} onOpenKeyForm={() => setAdding(true)} /> : null;
  const addDialog = canEdit && provider.authFields.length > 0 && (
    <CredentialsDialog provider={provider} mode="connect" another open={adding} onOpenChange={(open) => setAdding(open)} />
  );

  if (connections.length <= 1) {
    const connection = connections[0];
    const status = connection ?? placeholder;
    return (
      <>
        <IntegrationCard
          // The disconnected row keeps the connection's id, so the card (and its notes) survive a disconnect.
          key={status?.connectionId ?? provider.id}
          provider={provider}
          status={status}
          canEdit={canEdit}
          statusUnknown={statusUnknown}
          connection={connection ? { accounts: 1, defaultFor: connection.defaultFor, usedByDefault: false, grouped: false } : undefined}
          addAccount={connection ? addAccount : undefined}
          revokeFailed={revokeFailed}
          onDisconnected={onDisconnected}
        />
        {addDialog}
      </>
    );
  }

  const headingId = `provider-${provider.id}-accounts`;
  return (
    <section aria-labelledby={headingId} data-testid={`provider-group-${provider.id}`} className="col-span-full grid gap-3 rounded-xl border border-dashed p-3 sm:p-4">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="flex min-w-0 items-center gap-3">
          <ProviderIcon src={provider.icon} name={provider.name} />
          <div className="min-w-0">
            <h3 id={headingId} className="font-semibold">
              {provider.name} <span className="font-normal text-muted-foreground">· {connections.length} accounts</span>
            </h3>
            <p className="line-clamp-2 text-sm text-muted-foreground">{provider.description}</p>
          </div>
        </div>
        {addAccount}
      </div>
      <div className="grid gap-2 sm:grid-cols-2">
        <IntegrationHealthSummary providerId={provider.id} />
        <RateLimitNote providerId={provider.id} />
      </div>
      {revokeFailed && (
        <p data-testid={`integration-revoke-failed-${provider.id}`} className="text-xs text-muted-foreground">
          Disconnected. {provider.name} did not confirm that it revoked Plugboard&apos;s access; you can remove Plugboard from that {provider.name} account&apos;s connected apps.
        </p>
      )}
      <div className="grid items-start gap-4 sm:grid-cols-2 xl:grid-cols-3">
        {connections.map((connection) => (
          <IntegrationCard
            key={connection.connectionId}
            provider={provider}
            status={connection}
            canEdit={canEdit}
            connection={{ accounts: connections.length, defaultFor: connection.defaultFor, usedByDefault: usedByDefault === connection.connectionId, grouped: true }}
            onDisconnected={onDisconnected}
          />
        ))}
      </div>
      {addDialog}
    </section>
  );
}
