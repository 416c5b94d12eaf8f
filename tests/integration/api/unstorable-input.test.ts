// Text PostgreSQL cannot store (a NUL character, an unpaired surrogate) is a 400 naming the field,
// before anything happens: no lead row, and no Stripe payment intent created for a payment whose
// local record could then not be saved.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { auth } from "@/tests/helpers/fake-session";
import { STRIPE_KEYS } from "@/tests/fakes/stripe";
import { signedIn, useHarness } from "../integrations/setup";
import { storedConnection } from "../webhooks/helpers";

vi.mock("@/lib/auth/session", () => import("@/tests/helpers/fake-session"));

const intentsRoute = await import("@/app/api/payments/intents/route");
const leadsRoute = await import("@/app/api/leads/route");

const h = useHarness();
beforeEach(async () => {
  auth.user = await signedIn(h.t.db);
});

const post = (path: string, body: unknown) =>
  new Request(`http://localhost${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const noParams = { params: Promise.resolve({}) };

describe("text that cannot be stored", () => {
  it("creates no Stripe payment intent: 400 naming the field, nothing sent to Stripe, nothing saved", async () => {
    await storedConnection(h.t.db, auth.user!.workspaceId, "stripe", { secretKey: STRIPE_KEYS.valid });
    for (const metadata of [{ note: "a\u0000b" }, { note: "half \ud83d" }, { ["k\u0000"]: "v" }]) {
      const response = await intentsRoute.POST(post("/api/payments/intents", { amount: 1000, currency: "eur", metadata }), noParams);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toMatch(/^Invalid metadata/);
    }
    expect(h.fakes.stripe.requests.filter((r) => r.path === "/v1/payment_intents")).toEqual([]);
    expect(await h.t.db.payment.count()).toBe(0);
  });

  it("stores no lead and answers 400 for a NUL in a name or email", async () => {
    for (const body of [
      { name: "Ada\u0000", email: "ada@example.test" },
      { name: "Ada", email: "ada\u0000@example.test" },
    ]) {
      const response = await leadsRoute.POST(post("/api/leads", body), noParams);
      expect(response.status).toBe(400);
    }
    expect(await h.t.db.lead.count()).toBe(0);
  });
});
