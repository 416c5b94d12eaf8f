"use client";

import * as React from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";

import { apiFetch } from "@/components/api/client";
import type { Jsonify } from "@/components/api/types";
import { Problem } from "@/components/crm/problem";
import { SyncPanel } from "@/components/crm/sync-panel";
import { useCurrentUser } from "@/components/shell/use-current-user";
import { Badge } from "@/components/ui/badge";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import type { RegistrationView } from "@/lib/webinars/registrations";
import type { SessionView, TopicView } from "@/lib/webinars/sessions";

type Session = Jsonify<SessionView>;
type Registration = Jsonify<RegistrationView>;
type Topic = Jsonify<TopicView>;

const dateTime = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
const money = (minor: number | null, currency: string) =>
  minor === null ? "—" : new Intl.NumberFormat(undefined, { style: "currency", currency: currency.toUpperCase() }).format(minor / 100);

function useList<T>(key: string, path: string, pick: (data: Record<string, T[]>) => T[]) {
  return useQuery({ queryKey: ["webinars", key], queryFn: ({ signal }) => apiFetch<Record<string, T[]>>(path, { signal }).then(pick), refetchInterval: 30_000 });
}

function Section<T>({
  title,
  query,
  empty,
  children,
}: {
  title: string;
  query: { isPending: boolean; isError: boolean; error: unknown; data?: T[] };
  empty: string;
  children: (rows: T[]) => React.ReactNode;
}) {
  return (
    <section className="grid gap-3" aria-label={title}>
      <h2 className="text-lg font-semibold tracking-tight">{title}</h2>
      {query.isError ? (
        <Problem title={`Could not load ${title.toLowerCase()}`} error={query.error} />
      ) : query.isPending ? (
        <Skeleton className="h-32 w-full rounded-xl" />
      ) : query.data && query.data.length === 0 ? (
        <p className="rounded-xl border bg-card p-6 text-sm text-muted-foreground">{empty}</p>
      ) : (
        <div className="rounded-xl border bg-card shadow-xs">{children(query.data ?? [])}</div>
      )}
    </section>
  );
}

export function WebinarsView() {
  const { canEdit } = useCurrentUser();
  const queryClient = useQueryClient();
  const sessions = useList<Session>("sessions", "/api/webinars", (d) => d.sessions!);
  const registrations = useList<Registration>("registrations", "/api/registrations", (d) => d.registrations!);
  const topics = useList<Topic>("topics", "/api/webinars/topics", (d) => d.topics!);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ["webinars"] });

  return (
    <div className="grid gap-8">
      <div className="grid gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">Webinars</h1>
        <p className="text-sm text-muted-foreground">
          Sessions, who registered, and the topics sold in Odoo. Registrations arrive through <code>POST /api/registrations</code>.
        </p>
      </div>

      <div className="grid gap-4 lg:grid-cols-2">
        <SyncPanel
          kind="events"
          title="Sessions to Odoo Events"
          description="Sessions become Odoo events (tag Webinar), registrations become attendees."
          actionLabel="Sync webinars now"
          canEdit={canEdit}
          onDone={refresh}
        />
        <SyncPanel
          kind="topics"
          title="Topics from Odoo"
          description="Products of the category Webinars become topics; changed ones are updated."
          actionLabel="Import topics now"
          canEdit={canEdit}
          onDone={refresh}
        />
      </div>

      <Section title="Sessions" query={sessions} empty="No webinar sessions yet. Create them with POST /api/webinars.">
        {(rows) => (
          <Table data-testid="sessions-table">
            <TableHeader>
              <TableRow>
                <TableHead>Title</TableHead>
                <TableHead>Starts (your time)</TableHead>
                <TableHead className="hidden md:table-cell">Duration</TableHead>
                <TableHead>Registered</TableHead>
                <TableHead>Status</TableHead>
                <TableHead className="hidden md:table-cell">Odoo</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {rows.map((s) => (
                <TableRow key={s.id}>
                  <TableCell className="font-medium">
                    {s.title}
                    {s.topic && <span className="block text-xs text-muted-foreground">{s.topic.title}</span>}
                  </TableCell>
                  <TableCell>{dateTime(s.startsAt)}</TableCell>
                  <TableCell className="hidden md:table-cell">{s.durationMinutes} min</TableCell>
                  <TableCell className="tabular-nums">
                    {s.registered}
                    {s.capacity !== null && ` / ${s.capacity}`}
                  </TableCell>
                  <TableCell>
                    <Badge variant={s.status === "scheduled" ? "success" : s.status === "cancelled" ? "destructive" : "outline"}>{s.status}</Badge>
                  </TableCell>
                  <TableCell className="hidden md:table-cell">{s.odooEventId ? `Event #${s.odooEventId}` : "—"}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </Section>

      <Section title="Registrations" query={registrations} empty="Nobody has registered yet.">
        {(rows) => (
          <Table data-testid="registrations-table">
            <TableHeader>
              <TableRow>
                <TableHead>Name</TableHead>
                <TableHead>Email</TableHead>
                <TableHead>Webinar</TableHead>
                <TableHead className="hidden md:table-cell">Language</TableHead>
                <TableHead>Status</TableHead>
                <TableHead className="hidden lg:table-cell">Emails</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {rows.map((r) => (
                <TableRow key={r.id}>
                  <TableCell className="font-medium">{r.name}</TableCell>
                  <TableCell>{r.email}</TableCell>
                  <TableCell>{r.sessionTitle}</TableCell>
                  <TableCell className="hidden uppercase md:table-cell">{r.language}</TableCell>
                  <TableCell>
                    <Badge variant={r.status === "cancelled" ? "destructive" : "outline"}>{r.status}</Badge>
                    {r.paymentStatus !== "not_required" && <span className="ml-1 text-xs text-muted-foreground">payment {r.paymentStatus}</span>}
                  </TableCell>
                  <TableCell className="hidden text-xs text-muted-foreground lg:table-cell">
                    {r.confirmationSentAt ? "Confirmed" : "No confirmation"}
                    {r.reminders.map((m) => (
                      <span key={m.kind}>
                        {" · "}
                        {m.kind} reminder {m.status}
                      </span>
                    ))}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </Section>

      <Section title="Topics" query={topics} empty="No topics yet. Import them from Odoo (products in the category Webinars).">
        {(rows) => (
          <Table data-testid="topics-table">
            <TableHeader>
              <TableRow>
                <TableHead>Topic</TableHead>
                <TableHead className="hidden md:table-cell">Description</TableHead>
                <TableHead>Default price</TableHead>
                <TableHead>Sessions</TableHead>
                <TableHead className="hidden md:table-cell">Odoo</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {rows.map((t) => (
                <TableRow key={t.id}>
                  <TableCell className="font-medium">{t.title}</TableCell>
                  <TableCell className="hidden max-w-[24rem] truncate md:table-cell" title={t.description ?? undefined}>
                    {t.description ?? "—"}
                  </TableCell>
                  <TableCell className="tabular-nums">{money(t.defaultPriceMinor, t.currency)}</TableCell>
                  <TableCell className="tabular-nums">{t.sessions}</TableCell>
                  <TableCell className="hidden md:table-cell">{t.odooProductId ? `Product #${t.odooProductId}` : "—"}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </Section>
    </div>
  );
}
