// Work that must wait until the transaction it belongs to has committed — above all sending the
// outgoing webhooks an event raised inside it: started any earlier, the sender's own connection
// cannot see the uncommitted rows yet, finds nothing due and leaves the event to the next cron run.
// "After the response" is not late enough: work that runs after the response (the inbound webhook
// drain) raises events itself, and Next starts an after() registered there at once, while the
// drain's transaction is still open.
//
// The app's client (lib/db/client.ts) opens a scope for every interactive transaction; work
// registered inside it runs once the transaction has committed, and never when it rolls back.
import { AsyncLocalStorage } from "node:async_hooks";
import { logger } from "@/lib/log";

interface CommitScope {
  /** Set once the transaction has committed: work registered after that runs at once. */
  committed: boolean;
  tasks: (() => void)[];
  /** Items collected per flush function, handed over together after the commit. */
  collected: Map<(items: never[]) => void, unknown[]>;
  /** Work that finishes the transaction's writes, run in order at the end of its callback (beforeCommit). */
  beforeCommit: (() => Promise<void>)[];
  /** Answers worked out once for the whole transaction (onceInTransaction), and transactionLocal's values. */
  memo: Map<string, unknown>;
}

// One store per process, on globalThis: Next builds each route with its own copy of this module,
// and the database client (shared through globalThis by lib/db/client.ts) opens its scopes with
// the copy of whichever route first created it. A module-level store would leave every other
// route's afterCommit outside the scope: run at once, before the commit it was waiting for.
const globalScopes = globalThis as unknown as { plugboardCommitScopes?: AsyncLocalStorage<CommitScope> };
const scopes = (globalScopes.plugboardCommitScopes ??= new AsyncLocalStorage<CommitScope>());

function runSafely(task: () => void): void {
  try {
    task();
  } catch (error) {
    // The transaction has committed either way; the work is best-effort (its cron job catches up).
    logger.error("work after a committed transaction failed", { error });
  }
}

/** Runs `task` once the caller's transaction has committed; outside one (or given the client itself), at once. */
export function afterCommit(task: () => void): void {
  const scope = scopes.getStore();
  if (!scope || scope.committed) return runSafely(task);
  scope.tasks.push(task);
}

/**
 * Like afterCommit, but what one transaction collects for the same `flush` goes to it in one call
 * (a hundred events raised in one transaction: one delivery run, not a hundred). `flush` must be
 * the same function each time.
 */
export function afterCommitCollect<T>(flush: (items: T[]) => void, item: T): void {
  const scope = scopes.getStore();
  if (!scope || scope.committed) return runSafely(() => flush([item]));
  const key = flush as (items: never[]) => void;
  const items = scope.collected.get(key);
  if (items) items.push(item);
  else scope.collected.set(key, [item]);
}

/**
 * `compute()`, asked once per transaction for the same `key` (a batch of a hundred inbound events
 * asks which endpoints subscribe to payment.succeeded once, not a hundred times); outside a
 * transaction, every time. Only for reads whose answer the transaction itself does not change.
 */
export function onceInTransaction<T>(key: string, compute: () => Promise<T>): Promise<T> {
  return transactionLocal(key, compute) ?? compute();
}

/**
 * An object kept for the rest of the current transaction under `key` (made on first use), or
 * undefined outside a transaction. Gone with the transaction, so what a rolled-back transaction
 * read or wrote never outlives it.
 */
export function transactionLocal<T>(key: string, make: () => T): T | undefined {
  const scope = scopes.getStore();
  if (!scope || scope.committed) return undefined;
  if (!scope.memo.has(key)) scope.memo.set(key, make());
  return scope.memo.get(key) as T;
}

/**
 * Runs `task` inside the current transaction once its callback has done everything else, just
 * before it commits (writes collected during the transaction go in together); a failure rolls the
 * transaction back like any other. Outside a transaction there is nothing to wait for: at once.
 */
export async function beforeCommit(task: () => Promise<void>): Promise<void> {
  const scope = scopes.getStore();
  if (!scope || scope.committed) return task();
  scope.beforeCommit.push(task);
}

/** Runs the transaction's beforeCommit work (the app's client calls this at the end of every transaction callback). */
export async function runBeforeCommit(): Promise<void> {
  const scope = scopes.getStore();
  if (!scope) return;
  while (scope.beforeCommit.length) await scope.beforeCommit.shift()!();
}

/** Runs `transaction` (which resolves once committed) in a scope, then the work registered in it; on a rollback the work is dropped. */
export async function withCommitScope<T>(transaction: () => Promise<T>): Promise<T> {
  const scope: CommitScope = { committed: false, tasks: [], collected: new Map(), memo: new Map(), beforeCommit: [] };
  const result = await scopes.run(scope, transaction);
  scope.committed = true;
  for (const task of scope.tasks) runSafely(task);
  for (const [flush, items] of scope.collected) runSafely(() => flush(items as never[]));
  return result;
}
