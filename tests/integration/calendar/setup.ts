// Shared set-up for the calendar integration tests: a migrated database, the fake Google
// Calendar and fake Graph with the app pointed at them, fast pipeline backoff, a signed-in admin,
// and calendar connections whose tokens are stored through the vault (as the OAuth flow would).
import { afterAll, beforeAll, beforeEach } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import { resetConfig } from "@/lib/config";
import type { Db } from "@/lib/db/client";
import { storeCredential } from "@/lib/vault";
import { createTestDatabase, truncateAll, type TestDatabase } from "@/tests/helpers/db";
import { GOOGLE_TOKENS, startFakeGoogleCalendar, type FakeGoogleCalendar } from "@/tests/fakes/google-calendar";
import { GRAPH_TOKENS, startFakeGraph, type FakeGraph } from "@/tests/fakes/graph";
import { signedIn } from "@/tests/integration/integrations/setup";

export interface CalendarHarness {
  t: TestDatabase;
  google: FakeGoogleCalendar;
  graph: FakeGraph;
}

const ENV = {
  PIPELINE_BACKOFF_BASE_MS: "5",
  PIPELINE_BACKOFF_CAP_MS: "50",
  PIPELINE_TIMEOUT_MS: "5000",
  CALENDAR_GOOGLE_BATCH_SIZE: "50",
};

export function useCalendarHarness(): CalendarHarness {
  let h: CalendarHarness | undefined;
  const previous: Record<string, string | undefined> = {};
  beforeAll(async () => {
    const google = await startFakeGoogleCalendar();
    const graph = await startFakeGraph();
    for (const [k, v] of Object.entries({ ...ENV, GOOGLE_API_BASE: google.url, MICROSOFT_GRAPH_API_BASE: graph.baseUrl })) {
      previous[k] = process.env[k];
      process.env[k] = v;
    }
    resetConfig();
    h = { t: await createTestDatabase(), google, graph };
  });
  afterAll(async () => {
    await h?.t.close();
    await h?.google.close();
    await h?.graph.close();
    for (const [k, v] of Object.entries(previous)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    resetConfig();
  });
  beforeEach(async () => {
    await truncateAll(h!.t.db);
    h!.google.reset();
    h!.graph.reset();
  });
  const started = () => {
    if (!h) throw new Error("The calendar harness is not started yet");
    return h;
  };
  return {
    get t() {
      return started().t;
    },
    get google() {
      return started().google;
    },
    get graph() {
      return started().graph;
    },
  };
}

/** A connected calendar provider with its access token sealed in the vault. */
export async function connectCalendar(db: Db, workspaceId: string, providerId: "google-calendar" | "outlook-calendar", accessToken?: string): Promise<string> {
  const token = accessToken ?? (providerId === "google-calendar" ? GOOGLE_TOKENS.valid : GRAPH_TOKENS.valid);
  const connection = await db.connection.create({
    data: { workspaceId, providerId, status: "connected", authType: "oauth2", accountLabel: "owner@plugboard.test", expiresAt: new Date(Date.now() + 3600_000) },
  });
  await storeCredential(db, { workspaceId, connectionId: connection.id }, { accessToken: token, refreshToken: "refresh-not-used-here" });
  return connection.id;
}

/** A signed-in admin with both calendars connected. */
export async function adminWithCalendars(db: Db): Promise<{ user: SessionUser; google: string; outlook: string }> {
  const user = await signedIn(db);
  return { user, google: await connectCalendar(db, user.workspaceId, "google-calendar"), outlook: await connectCalendar(db, user.workspaceId, "outlook-calendar") };
}

export const at = (iso: string) => Date.parse(iso);
