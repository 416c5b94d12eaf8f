// The calendar picker's entries and the sync status of the picked one. A workspace may connect
// several accounts of one provider (two Google calendars): the server then names the connection in
// each ref ("google-calendar@<connection id>:<calendar id>") and answers one entry per account, so
// the labels carry the account to tell them apart.
import type { ProviderCalendars, SyncStatus } from "@/components/calendar/types";

export interface CalendarOption {
  ref: string;
  label: string;
}

/** Providers (by id) with more than one connected account in the answer. */
function withSeveralAccounts(entries: { providerId: string; connected: boolean }[]): Set<string> {
  const counts = new Map<string, number>();
  for (const e of entries) if (e.connected) counts.set(e.providerId, (counts.get(e.providerId) ?? 0) + 1);
  return new Set([...counts].filter(([, n]) => n > 1).map(([id]) => id));
}

/** "Google Calendar · ada@example.com · Team (primary)": the account only where the provider has several. */
export function calendarOptions(providers: ProviderCalendars[]): CalendarOption[] {
  const several = withSeveralAccounts(providers);
  return providers.flatMap((p) => {
    const account = several.has(p.providerId) ? ` · ${p.accountLabel ?? "another account"}` : "";
    return p.calendars.map((c) => ({ ref: c.ref, label: `${p.name}${account} · ${c.name}${c.primary ? " (primary)" : ""}` }));
  });
}

/** A ref's provider and, when it names one, its connection ("<provider>[@<connection>][:<calendar>]"). */
export function refTarget(ref: string): { providerId: string; connectionId: string | null } {
  const colon = ref.indexOf(":");
  const head = colon === -1 ? ref : ref.slice(0, colon);
  const at = head.indexOf("@");
  return at === -1 ? { providerId: head, connectionId: null } : { providerId: head.slice(0, at), connectionId: head.slice(at + 1) };
}

/** The sync status of the account a ref belongs to: its connection's when named, else the provider's (connected) one. */
export function syncEntryFor(ref: string, entries: SyncStatus[]): SyncStatus | undefined {
  const { providerId, connectionId } = refTarget(ref);
  if (connectionId) return entries.find((e) => e.connectionId === connectionId);
  const own = entries.filter((e) => e.providerId === providerId);
  return own.find((e) => e.connected) ?? own[0];
}

/** The account label to show beside a sync status, only where the provider has several accounts. */
export function syncAccountLabel(entry: SyncStatus | undefined, entries: SyncStatus[]): string | null {
  if (!entry || !withSeveralAccounts(entries).has(entry.providerId)) return null;
  return entry.accountLabel;
}
