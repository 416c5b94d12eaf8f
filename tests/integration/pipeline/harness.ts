// Shared set-up for the pipeline tests: one migrated database and one fake provider per file, and
// before each test an empty database with a single connected connection to call through.
import { afterAll, beforeAll, beforeEach } from "vitest";
import type { Db } from "@/lib/db/client";
import type { CallContext } from "@/lib/pipeline/call";
import { createTestDatabase, truncateAll, type TestDatabase } from "@/tests/helpers/db";
import { createWorkspace } from "@/tests/helpers/factories";
import { startFakeProvider, type FakeProvider } from "@/tests/integration/pipeline/fake-provider";

export interface PipelineHarness {
  readonly db: Db;
  readonly provider: FakeProvider;
  /** The call context of this test's connection (a new workspace and connection every test). */
  readonly ctx: CallContext;
}

function ready<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`The pipeline harness has no ${what} yet: use it inside tests and hooks`);
  return value;
}

/**
 * Registers the file's hooks and returns a view of the running harness. `call` is what every
 * test's connection calls as: its provider (the connection's providerId), operation and actor.
 */
export function usePipelineHarness(call: Pick<CallContext, "providerId" | "operation" | "actor">): PipelineHarness {
  let t: TestDatabase | undefined;
  let provider: FakeProvider | undefined;
  let ctx: CallContext | undefined;

  beforeAll(async () => {
    t = await createTestDatabase();
    provider = await startFakeProvider();
  });
  afterAll(async () => {
    await provider?.close();
    await t?.close();
  });
  beforeEach(async () => {
    const db = ready(t, "database").db;
    await truncateAll(db);
    const workspace = await createWorkspace(db);
    const connection = await db.connection.create({ data: { workspaceId: workspace.id, providerId: call.providerId, authType: "api_key", status: "connected" } });
    ctx = { workspaceId: workspace.id, connectionId: connection.id, ...call };
    ready(provider, "fake provider").reset();
  });

  return {
    get db() {
      return ready(t, "database").db;
    },
    get provider() {
      return ready(provider, "fake provider");
    },
    get ctx() {
      return ready(ctx, "call context");
    },
  };
}
