// Shared set-up for the outgoing-webhook tests: a migrated database, a local receiver that
// verifies signatures, a signed-in admin, a test clock and a fake DNS. The receiver listens on
// 127.0.0.1, which the URL rules refuse by default — the tests allow it explicitly, through the
// same configuration (or policy) an operator would use.
import { afterAll, beforeAll, beforeEach } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import { resetConfig } from "@/lib/config";
import { createEndpoint } from "@/lib/webhooks-out/endpoints";
import type { CreateEndpointInput } from "@/lib/webhooks-out/schemas";
import type { ResolvedAddress, Resolver, UrlPolicy } from "@/lib/http/url-rules";
import { createTestDatabase, truncateAll, type TestDatabase } from "@/tests/helpers/db";
import { startWebhookReceiver, type FakeWebhookReceiver } from "@/tests/fakes/webhook-receiver";

/** What an operator running a receiver on this machine would configure. */
export const LOCAL_RECEIVER_ENV = { WEBHOOK_ALLOW_HTTP_HOSTS: "127.0.0.1,*.example.test", WEBHOOK_ALLOW_PRIVATE_NETWORKS: "127.0.0.1" };
export const LOCAL_POLICY: UrlPolicy = { httpHosts: ["127.0.0.1", "*.example.test"], allowedNetworks: ["127.0.0.1"] };
/** The default rules: nothing local allowed. */
export const STRICT_POLICY: UrlPolicy = { httpHosts: [], allowedNetworks: [] };

export interface TestClock {
  now: () => Date;
  advance(ms: number): void;
  set(at: Date): void;
}

/** Starts a minute ahead of the real clock, so events raised (at real time) during a test are due. */
export function testClock(start = new Date(Date.now() + 60_000)): TestClock {
  let t = start.getTime();
  return {
    now: () => new Date(t),
    advance(ms) {
      t += ms;
    },
    set(at) {
      t = at.getTime();
    },
  };
}

/** DNS as a table; unknown names fail like a missing record. */
export function fakeResolver(table: Record<string, string[]>): Resolver {
  return async (hostname) => {
    const addresses = table[hostname.toLowerCase()];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
    return addresses.map((address): ResolvedAddress => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
}

export interface WebhookHarness {
  t: TestDatabase;
  receiver: FakeWebhookReceiver;
}

export function useWebhookHarness(): WebhookHarness {
  let state: WebhookHarness | undefined;
  const previous: Record<string, string | undefined> = {};
  beforeAll(async () => {
    for (const [k, v] of Object.entries(LOCAL_RECEIVER_ENV)) {
      previous[k] = process.env[k];
      process.env[k] = v;
    }
    resetConfig();
    const receiver = await startWebhookReceiver();
    state = { t: await createTestDatabase(), receiver };
  });
  afterAll(async () => {
    await state?.t.close();
    await state?.receiver.close();
    for (const [k, v] of Object.entries(previous)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    resetConfig();
  });
  beforeEach(async () => {
    await truncateAll(state!.t.db);
    state!.receiver.reset();
  });
  return {
    get t() {
      return state!.t;
    },
    get receiver() {
      return state!.receiver;
    },
  };
}

/** An endpoint pointed at the receiver (path /hooks), whose secret the receiver then accepts. */
export async function endpointAt(user: SessionUser, receiver: FakeWebhookReceiver, input: Partial<CreateEndpointInput> = {}) {
  const created = await createEndpoint(user, { name: "Receiver", url: `${receiver.url}/hooks`, events: ["*"], headers: {}, status: "active", ...input }, { policy: LOCAL_POLICY });
  receiver.setSecrets([created.secret]);
  return created;
}
