// `npm run demo`'s promise, kept: with the environment the demo gives Plugboard, every API-key
// provider connects with the values the README's demo table tells a person to type, and every
// OAuth provider the table sends to a consent page is an OAuth provider here.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectApiKey } from "@/lib/connections/api-key";
import { resetConfig } from "@/lib/config";
import { demoForms, DEMO_OAUTH_ACCOUNTS, keyFormProviders, oauthProviders, startDemo, type Demo } from "@/tests/fakes/demo";
import { ANY_FREE_PORTS } from "@/tests/fakes/serve";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/db";
import { signedIn } from "./setup";

let demo: Demo;
let t: TestDatabase;
const previous: Record<string, string | undefined> = {};

beforeAll(async () => {
  demo = await startDemo({ ...ANY_FREE_PORTS, receiverPort: 0 });
  for (const [name, value] of Object.entries({ ...demo.env, PIPELINE_BACKOFF_BASE_MS: "5", PIPELINE_BACKOFF_CAP_MS: "50" })) {
    previous[name] = process.env[name];
    process.env[name] = value;
  }
  resetConfig();
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
  await demo?.close();
  for (const [name, value] of Object.entries(previous)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  resetConfig();
});

describe("the demo", () => {
  it("connects every API-key provider with the values its table gives", async () => {
    const user = await signedIn(t.db);
    const forms = demoForms(demo.addresses);
    for (const { providerId, fields } of forms) {
      const view = await connectApiKey(user, providerId, fields);
      expect({ providerId, status: view.status, lastError: view.lastError }).toEqual({ providerId, status: "active", lastError: null });
    }
    // Every provider that connects with a key form is in the table.
    expect(forms.map((f) => f.providerId).sort()).toEqual(
      keyFormProviders()
        .map((p) => p.id)
        .sort(),
    );
  });

  it("names an account for every OAuth provider, and the receiver takes what is sent to it", async () => {
    // One fake authorization server (and account) per OAuth provider.
    expect(Object.values(DEMO_OAUTH_ACCOUNTS).filter(Boolean)).toHaveLength(oauthProviders().length);
    const answer = await fetch(demo.receiver.url, { method: "POST", headers: { "content-type": "application/json", "webhook-id": "msg_demo" }, body: "{}" });
    expect(answer.status).toBe(200);
    expect(demo.receiver.count("msg_demo")).toBe(1);
  });
});
