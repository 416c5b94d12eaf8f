// Text PostgreSQL cannot store (NUL, unpaired surrogates) is refused by validate() with a 400
// naming the field, before any route does anything with it.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ApiError, unstorableText, validate } from "@/lib/http/api";

describe("unstorable text", () => {
  it("finds NUL characters and unpaired surrogates in strings and keys, at any depth", () => {
    expect(unstorableText("fine ✓ 😀")).toBeNull();
    expect(unstorableText({ a: ["x", { b: "ok" }] })).toBeNull();
    expect(unstorableText("a\u0000b")).toEqual({ field: "(body)", problem: "contains a NUL character" });
    expect(unstorableText({ lead: { name: "Ada\ud800" } })).toEqual({ field: "lead.name", problem: "contains an unpaired surrogate (not valid Unicode)" });
    expect(unstorableText({ tags: ["ok", "\udc00x"] })).toEqual({ field: "tags.1", problem: "contains an unpaired surrogate (not valid Unicode)" });
    expect(unstorableText({ metadata: { "k\u0000": "v" } })).toEqual({ field: "metadata", problem: "has a key that contains a NUL character" });
  });

  it("makes validate() answer a 400 naming the field, whatever the schema", () => {
    const schema = z.object({ name: z.string(), metadata: z.record(z.string(), z.string()) });
    let caught: unknown;
    try {
      validate(schema, { name: "Ada", metadata: { note: "x\u0000y" } });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ApiError);
    expect(caught).toMatchObject({ status: 400, message: "Invalid metadata.note: contains a NUL character", fields: { "metadata.note": "Text contains a NUL character" } });
    expect(() => validate(z.string(), "id\u0000", "id")).toThrow("Invalid id: contains a NUL character");
    expect(validate(schema, { name: "Ada 😀", metadata: {} })).toEqual({ name: "Ada 😀", metadata: {} });
  });
});
