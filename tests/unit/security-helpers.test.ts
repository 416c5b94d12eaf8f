import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { redact, redactText } from "@/lib/log";

describe("password hashing", () => {
  it("verifies the right password only, with a salted hash", async () => {
    const a = await hashPassword("correct horse battery staple");
    const b = await hashPassword("correct horse battery staple");
    expect(a).not.toBe(b);
    expect(a).not.toContain("correct");
    expect(await verifyPassword("correct horse battery staple", a)).toBe(true);
    expect(await verifyPassword("correct horse battery stapler", a)).toBe(false);
    expect(await verifyPassword("anything", "not-a-hash")).toBe(false);
  });
});

describe("log redaction", () => {
  it("masks secret-named fields and credential-shaped strings anywhere", () => {
    const out = JSON.stringify(
      redact({
        apiKey: "abc",
        nested: { password: "p", note: "key sk_test_51Habcdefghijklmnop failed", list: ["Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig"] },
        message: "SG.abcdefgh.ijklmnopqrstu rejected, whsec_abcdefgh too",
        ok: 3,
      }),
    );
    for (const leaked of ['abc"', "sk_test_51H", "eyJhbGci", "SG.abcdefgh", "whsec_abcdefgh", '"p"']) expect(out).not.toContain(leaked);
    expect(out).toContain('"ok":3');
    expect(redactText("plain words stay")).toBe("plain words stay");
  });
});
