// Next's request lifecycle around a route handler called directly in a test: the handler runs
// inside Next's own request stores with Next's own AfterContext, the answer comes back, the request
// closes and the `after()` work runs — as `next start` does it, including `after()` called from
// inside after-work, which Next starts at once. Without this a test is outside any request, and
// `after()` work takes lib/http/after-response.ts's "outside a request" path instead.
//
// Import this module before anything that loads `next/server`: Next picks its AsyncLocalStorage
// when its request stores are first created, from the global its server sets (set here the same way).
import { AsyncLocalStorage } from "node:async_hooks";

const globals = globalThis as { AsyncLocalStorage?: unknown };
globals.AsyncLocalStorage ??= AsyncLocalStorage;

export interface RequestRun<T> {
  /** What the handler answered (the response has "gone out"). */
  answer: T;
  /** Settles once every `after()` task of the request, nested ones included, has finished. */
  afterWork: Promise<void>;
}

/** Runs `handler` as one request; its after-work starts once the answer is back, and is not awaited here. */
export async function inNextRequest<T>(handler: () => Promise<T>): Promise<RequestRun<T>> {
  // Loaded here, not at the top: a static import would run before the global above is set.
  const { AfterRunner } = await import("next/dist/server/after/run-with-after");
  const { AfterContext } = await import("next/dist/server/after/after-context");
  const { workAsyncStorage } = await import("next/dist/server/app-render/work-async-storage.external");
  const { workUnitAsyncStorage } = await import("next/dist/server/app-render/work-unit-async-storage.external");
  const runner = new AfterRunner();
  // The parts of Next's stores that after() and its runner read.
  const workStore = { afterContext: new AfterContext(runner.context), pendingRevalidatedTags: [], pendingRevalidates: {}, pendingRevalidateWrites: [] };
  const workUnitStore = { type: "request", phase: "action" };
  let answer: T;
  try {
    answer = await workAsyncStorage.run(workStore as never, () => workUnitAsyncStorage.run(workUnitStore as never, handler));
  } catch (error) {
    if (String(error).includes("AsyncLocalStorage accessed in runtime where it is not available")) {
      throw new Error("tests/helpers/next-request.ts must be imported before anything that loads next/server", { cause: error });
    }
    throw error;
  }
  return { answer, afterWork: runner.executeAfter() };
}
