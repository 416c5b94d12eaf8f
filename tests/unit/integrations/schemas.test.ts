// Field validation of the connectable providers: clear messages, and the submitted value never
// appears in one.
import { describe, expect, it } from "vitest";
import { sendgridSchema } from "@/lib/integrations/sendgrid/manifest";
import { stripeSchema } from "@/lib/integrations/stripe/manifest";

function issues(result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) {
  return Object.fromEntries((result.error?.issues ?? []).map((i) => [i.path.join("."), i.message]));
}

describe("Stripe fields", () => {
  it.each(["sk_test_4eC39HqLyjWDarjtT1zdp7dc", "sk_live_51Habcdefgh", "rk_test_abcdefghij", "rk_live_ABCDEFGH12"])("accepts %s", (key) => {
    expect(stripeSchema.safeParse({ secretKey: key }).success).toBe(true);
  });

  it("refuses a publishable key, saying what to paste instead, without echoing it", () => {
    const key = "pk_test_TYooMQauvdEDq54NiTphI7jx";
    const r = stripeSchema.safeParse({ secretKey: key });
    expect(r.success).toBe(false);
    expect(issues(r).secretKey).toMatch(/publishable key.*sk_/);
    expect(JSON.stringify(r.error)).not.toContain(key);
  });

  it("refuses something that is not a Stripe key, and a missing key", () => {
    expect(issues(stripeSchema.safeParse({ secretKey: "hunter2-not-a-key" })).secretKey).toMatch(/starts with sk_test_/);
    expect(issues(stripeSchema.safeParse({})).secretKey).toMatch(/secret key/);
  });

  it("takes an optional whsec_ webhook secret; an empty one means none", () => {
    expect(stripeSchema.parse({ secretKey: "sk_test_abcdefghij", webhookSecret: "" }).webhookSecret).toBeUndefined();
    expect(stripeSchema.parse({ secretKey: "sk_test_abcdefghij", webhookSecret: "whsec_abcdefghij" }).webhookSecret).toBe("whsec_abcdefghij");
    expect(issues(stripeSchema.safeParse({ secretKey: "sk_test_abcdefghij", webhookSecret: "secret" })).webhookSecret).toMatch(/whsec_/);
  });
});

describe("SendGrid fields", () => {
  it("needs an SG. key and a valid sender address; the sender name is optional", () => {
    const ok = sendgridSchema.safeParse({ apiKey: "SG.abc_DEF-123.xyz_789-QRS", fromEmail: " hello@example.com " });
    expect(ok.success && ok.data).toEqual({ apiKey: "SG.abc_DEF-123.xyz_789-QRS", fromEmail: "hello@example.com", fromName: undefined });
    const bad = sendgridSchema.safeParse({ apiKey: "abc.def", fromEmail: "nope" });
    expect(issues(bad)).toEqual({ apiKey: expect.stringMatching(/SG\./), fromEmail: expect.stringMatching(/email/) });
    expect(JSON.stringify(bad.error)).not.toContain("abc.def");
  });
});
