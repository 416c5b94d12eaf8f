// Shared set-up for the integration tests of lib/integrations: a migrated database, the fake
// Stripe, SendGrid and OAuth providers with the app pointed at them, fast pipeline backoff, and signed-in users.
import { afterAll, beforeAll, beforeEach } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import { resetConfig } from "@/lib/config";
import type { Db } from "@/lib/db/client";
import { createTestDatabase, truncateAll, type TestDatabase } from "@/tests/helpers/db";
import { createUser, createWorkspace } from "@/tests/helpers/factories";
import { ANY_FREE_PORTS, startFakeProviders, type FakeProviders } from "@/tests/fakes/serve";

export interface IntegrationHarness {
  t: TestDatabase;
  fakes: FakeProviders;
  close(): Promise<void>;
}

const ENV = {
  // Retries in milliseconds, not seconds; the Retry-After the fakes send is capped by this too.
  PIPELINE_BACKOFF_BASE_MS: "5",
  PIPELINE_BACKOFF_CAP_MS: "50",
  PIPELINE_TIMEOUT_MS: "5000",
};

export async function startHarness(): Promise<IntegrationHarness> {
  const fakes = await startFakeProviders(ANY_FREE_PORTS);
  const previous: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries({ ...ENV, ...fakes.env })) {
    previous[k] = process.env[k];
    process.env[k] = v;
  }
  resetConfig();
  const t = await createTestDatabase(); // also resets the cached configuration
  return {
    t,
    fakes,
    async close() {
      await t.close();
      await fakes.close();
      for (const [k, v] of Object.entries(previous)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      resetConfig();
    },
  };
}

/**
 * Registers the file's hooks — one harness for the whole file, and before each test an empty
 * database and fakes with no recorded requests — and returns a view of the running harness.
 */
export function useHarness(): Pick<IntegrationHarness, "t" | "fakes"> {
  let h: IntegrationHarness | undefined;
  const started = () => {
    if (!h) throw new Error("The integration harness is not started yet: use it inside tests and hooks");
    return h;
  };
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());
  beforeEach(async () => {
    const { t, fakes } = started();
    await truncateAll(t.db);
    fakes.stripe.reset();
    fakes.sendgrid.reset();
    fakes.odoo.reset();
    fakes.smtp.reset();
    fakes.twilio.reset();
    fakes.mailchimp.reset();
    fakes.oauth.reset();
    fakes.s3.reset();
    fakes.s3.clearObjects();
  });
  return {
    get t() {
      return started().t;
    },
    get fakes() {
      return started().fakes;
    },
  };
}

/** A workspace with one user, as requireUser() would return them. */
export async function signedIn(db: Db, role: "admin" | "viewer" = "admin", name = "Acme"): Promise<SessionUser> {
  const ws = await createWorkspace(db, name);
  const user = await createUser(db, { workspaceId: ws.id, role });
  return { userId: user.id, email: user.email, workspaceId: ws.id, role };
}

/** Another user in the same workspace. */
export async function colleague(db: Db, of: SessionUser, role: "admin" | "viewer"): Promise<SessionUser> {
  const user = await createUser(db, { workspaceId: of.workspaceId, role });
  return { userId: user.id, email: user.email, workspaceId: of.workspaceId, role };
}

/** The ApiError (or any error) a promise rejects with. */
export async function rejection(promise: Promise<unknown>): Promise<Error & { status?: number; fields?: Record<string, string> }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { status?: number; fields?: Record<string, string> };
  }
  throw new Error("expected a rejection");
}
