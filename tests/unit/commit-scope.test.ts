// Next's production build gives each route (and each dynamically imported chunk) its own copy of
// a module, while the database client is one per process (globalThis). The commit scope that
// client opens must be the one every copy's afterCommit / transactionLocal sees; with a store per
// module copy, work "after the commit" ran before it, and batch reads were made per event.
import { describe, expect, it, vi } from "vitest";

async function freshCopy() {
  vi.resetModules();
  return import("@/lib/db/after-commit");
}

describe("the commit scope across copies of the module", () => {
  it("is shared: work one copy registers inside another copy's transaction waits for its commit", async () => {
    const opener = await freshCopy();
    const other = await freshCopy();
    expect(other).not.toBe(opener);
    const order: string[] = [];
    await opener.withCommitScope(async () => {
      other.afterCommit(() => order.push("after commit"));
      expect(other.transactionLocal("k", () => ({ made: true }))).toEqual({ made: true });
      order.push("in the transaction");
    });
    expect(order).toEqual(["in the transaction", "after commit"]);
  });
});
