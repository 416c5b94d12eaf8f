// The two shared leaf helpers: the one HTML escaper (email, Odoo descriptions, the OAuth refusal
// page) and the one bounded-concurrency runner (health probes, calendar batches, token refreshes,
// webhook deliveries).
import { describe, expect, it } from "vitest";
import { forEachConcurrently } from "@/lib/concurrency";
import { escapeHtml } from "@/lib/html";

describe("escapeHtml", () => {
  it("escapes the five characters that matter in text and quoted attributes, and nothing else", () => {
    expect(escapeHtml(`<a href="x" title='y'>Tom & Jerry</a>`)).toBe("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;Tom &amp; Jerry&lt;/a&gt;");
    expect(escapeHtml("Grüße · “quotes” 100%")).toBe("Grüße · “quotes” 100%");
    // Escaping is not idempotent on purpose: an entity typed by a user stays visible as typed.
    expect(escapeHtml("&amp;")).toBe("&amp;amp;");
  });
});

/** A task that records how many run at once and finishes when released. */
function tracker() {
  let running = 0;
  let peak = 0;
  const done: number[] = [];
  const task = async (n: number) => {
    running += 1;
    peak = Math.max(peak, running);
    await new Promise((r) => setTimeout(r, 5 + (n % 3) * 3));
    running -= 1;
    done.push(n);
  };
  return { task, done, peak: () => peak };
}

describe("forEachConcurrently", () => {
  it("runs every item of an array with at most `limit` in flight", async () => {
    const t = tracker();
    const items = Array.from({ length: 20 }, (_, i) => i);
    await forEachConcurrently(items, 4, (n) => t.task(n));
    expect(t.done.sort((a, b) => a - b)).toEqual(items);
    expect(t.peak()).toBe(4);
  });

  it("runs the rest after a rejection, then rethrows the first", async () => {
    const seen: number[] = [];
    const run = forEachConcurrently([1, 2, 3, 4, 5], 2, async (n) => {
      seen.push(n);
      if (n === 2) throw new Error("two");
      if (n === 4) throw new Error("four");
    });
    await expect(run).rejects.toThrow("two");
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it("pulls an async iterable one item at a time, only when a worker is free", async () => {
    let pulls = 0;
    let pulling = false;
    let overlapped = false;
    // A hand-written iterator (not a generator): it would misbehave if asked twice at once.
    const source: AsyncIterable<number> = {
      [Symbol.asyncIterator]: () => ({
        async next() {
          if (pulling) overlapped = true;
          pulling = true;
          await new Promise((r) => setImmediate(r));
          pulling = false;
          return pulls < 12 ? { done: false, value: pulls++ } : { done: true, value: undefined };
        },
      }),
    };
    // Each item runs until the test releases it.
    const gates: (() => void)[] = [];
    const done: number[] = [];
    let peak = 0;
    const run = forEachConcurrently(source, 3, async (n) => {
      const released = new Promise<void>((release) => gates.push(release));
      peak = Math.max(peak, gates.length);
      await released;
      done.push(n);
    });
    const until = async (condition: () => boolean) => {
      for (let i = 0; i < 1000 && !condition(); i++) await new Promise((r) => setImmediate(r));
      expect(condition()).toBe(true);
    };
    await until(() => gates.length === 3);
    // All three workers are busy: the fourth item is not asked for yet.
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect([pulls, gates.length]).toEqual([3, 3]);
    for (let released = 0; released < 12; released++) {
      await until(() => gates.length > 0);
      gates.shift()!();
    }
    await run;
    expect(peak).toBe(3);
    expect(overlapped).toBe(false);
    expect(done).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });

  it("stops taking items when the iterable fails, finishes those in flight, and rethrows", async () => {
    const finished: number[] = [];
    async function* source() {
      yield 1;
      yield 2;
      throw new Error("claim failed");
    }
    const run = forEachConcurrently(source(), 2, async (n) => {
      await new Promise((r) => setTimeout(r, 10));
      finished.push(n);
    });
    await expect(run).rejects.toThrow("claim failed");
    expect(finished.sort()).toEqual([1, 2]);
  });
});
