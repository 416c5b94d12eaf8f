// The fake Google Calendar and Microsoft Graph servers for the calendar client tests, with the app
// pointed at them: started once per file, emptied before each test. With `oauth`, the calendar
// fakes accept the fake OAuth server's tokens with the scopes those were granted.
import { afterAll, beforeAll, beforeEach } from "vitest";
import { resetConfig } from "@/lib/config";
import { startFakeGoogleCalendar, type FakeGoogleCalendar } from "@/tests/fakes/google-calendar";
import { startFakeGraph, type FakeGraph } from "@/tests/fakes/graph";
import { startFakeOAuth, type FakeOAuth } from "@/tests/fakes/oauth";

export interface CalendarFakes {
  google: FakeGoogleCalendar;
  graph: FakeGraph;
  /** Only when asked for. */
  oauth: FakeOAuth;
}

/** Registers the file's hooks and returns the running fakes (read them inside tests and hooks). */
export function useCalendarFakes(options: { oauth?: boolean } = {}): CalendarFakes {
  let started: Partial<CalendarFakes> = {};
  beforeAll(async () => {
    const oauth = options.oauth ? await startFakeOAuth() : undefined;
    started = { oauth, google: await startFakeGoogleCalendar({ oauth }), graph: await startFakeGraph({ oauth }) };
    process.env.GOOGLE_API_BASE = started.google!.url;
    process.env.MICROSOFT_GRAPH_API_BASE = started.graph!.baseUrl;
    resetConfig();
  });
  afterAll(async () => {
    await started.google?.close();
    await started.graph?.close();
    await started.oauth?.close();
    delete process.env.GOOGLE_API_BASE;
    delete process.env.MICROSOFT_GRAPH_API_BASE;
  });
  beforeEach(() => {
    started.oauth?.reset();
    started.google?.reset();
    started.graph?.reset();
  });
  const get = <K extends keyof CalendarFakes>(name: K): CalendarFakes[K] => {
    if (!started[name]) throw new Error(`The fake ${name} is not running: use it inside tests and hooks${name === "oauth" ? ", with { oauth: true }" : ""}`);
    return started[name]!;
  };
  return {
    get google() {
      return get("google");
    },
    get graph() {
      return get("graph");
    },
    get oauth() {
      return get("oauth");
    },
  };
}
