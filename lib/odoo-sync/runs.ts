// The life of one Odoo sync run (lead export, events, topics): at most one active run per kind and
// workspace, progress (done / total) written as it goes so the dashboard can show it, failures
// with their reasons, and a report at the end.
//
// "Active" is a unique key on the run row. A run whose heartbeat is older than the stale limit is
// presumed dead (its process was killed, say) and the next run takes its place; the dead run's
// half-done work is safe to redo because every sync step looks in Odoo before it creates.
import { config } from "@/lib/config";
import type { Db } from "@/lib/db/client";
import { emitEvent } from "@/lib/events";
import { Prisma, type OdooSyncRun } from "@/lib/generated/prisma/client";
import { ApiError } from "@/lib/http/api";
import type { CallResult, ErrorCategory } from "@/lib/pipeline";

export const SYNC_KINDS = ["leads", "events", "topics"] as const;
export type SyncKind = (typeof SYNC_KINDS)[number];
export type SyncTrigger = "manual" | "cron";

const KIND_LABEL: Record<SyncKind, string> = { leads: "lead export", events: "webinar sync", topics: "webinar topic import" };

/** Failures kept on the run row (the counts stay exact beyond this). */
const MAX_STORED_FAILURES = 200;

export interface SyncFailure {
  /** The local record (lead, session, registration, product) that failed. */
  id: string;
  label: string;
  reason: string;
  category: ErrorCategory;
}

export interface SyncReport {
  runId: string;
  kind: SyncKind;
  trigger: string;
  status: "running" | "completed" | "failed";
  total: number;
  /** Items looked at so far (successful + failed). */
  processed: number;
  successful: number;
  failed: number;
  failures: SyncFailure[];
  counts: Record<string, number>;
  message: string | null;
  startedAt: string;
  finishedAt: string | null;
}

export function reportOf(run: OdooSyncRun): SyncReport {
  return {
    runId: run.id,
    kind: run.kind as SyncKind,
    trigger: run.trigger,
    status: run.status,
    total: run.total,
    processed: run.done,
    successful: run.successful,
    failed: run.failed,
    failures: Array.isArray(run.failures) ? (run.failures as unknown as SyncFailure[]) : [],
    counts: run.counts && typeof run.counts === "object" && !Array.isArray(run.counts) ? (run.counts as Record<string, number>) : {},
    message: run.message,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
  };
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

export interface StartOptions {
  workspaceId: string;
  kind: SyncKind;
  trigger: SyncTrigger;
  actor: string;
  now?: () => Date;
}

export class SyncRun {
  private done = 0;
  private successful = 0;
  private failed = 0;
  private readonly failures: SyncFailure[] = [];
  private readonly counts: Record<string, number> = {};
  private lost = false;

  private constructor(
    private readonly db: Db,
    readonly id: string,
    private readonly activeKey: string,
    private readonly now: () => Date,
  ) {}

  /**
   * Starts a run, or answers 409 while another run of the same kind is active in the workspace. A
   * run that has not reported progress within SYNC_STALE_MINUTES is marked abandoned and replaced.
   */
  static async start(db: Db, options: StartOptions): Promise<SyncRun> {
    const now = options.now ?? (() => new Date());
    const activeKey = `${options.workspaceId}:${options.kind}`;
    const staleMs = config().SYNC_STALE_MINUTES * 60_000;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const run = await db.odooSyncRun.create({
          data: { workspaceId: options.workspaceId, kind: options.kind, trigger: options.trigger, actor: options.actor, activeKey, startedAt: now(), heartbeatAt: now() },
        });
        return new SyncRun(db, run.id, activeKey, now);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
      const active = await db.odooSyncRun.findUnique({ where: { activeKey } });
      if (!active) continue;
      if (now().getTime() - active.heartbeatAt.getTime() < staleMs) {
        throw new ApiError(
          409,
          `A ${KIND_LABEL[options.kind]} is already running in this workspace (${active.done} of ${active.total} done, started ${active.startedAt.toISOString()}); wait for it to finish`,
        );
      }
      // Conditional on the heartbeat we saw: if the old run moved meanwhile, it is alive after all.
      await db.odooSyncRun.updateMany({
        where: { id: active.id, heartbeatAt: active.heartbeatAt },
        data: {
          activeKey: null,
          status: "failed",
          finishedAt: now(),
          message: `Abandoned: no progress since ${active.heartbeatAt.toISOString()} (the process running it stopped); a new run took over`,
        },
      });
    }
    throw new ApiError(409, `Could not start the ${KIND_LABEL[options.kind]}: another run keeps starting at the same time; try again`);
  }

  /** False once another run has taken over this one (it stopped reporting for too long). */
  get active(): boolean {
    return !this.lost;
  }

  async setTotal(total: number): Promise<void> {
    await this.write({ total });
  }

  count(name: string, by = 1): void {
    this.counts[name] = (this.counts[name] ?? 0) + by;
  }

  /** Records one item's outcome; false when the run has been taken over and must stop. */
  async succeeded(): Promise<boolean> {
    this.done += 1;
    this.successful += 1;
    return this.write({});
  }

  async failedItem(failure: SyncFailure): Promise<boolean> {
    this.done += 1;
    this.failed += 1;
    if (this.failures.length < MAX_STORED_FAILURES) this.failures.push(failure);
    return this.write({ failures: this.failures as unknown as Prisma.InputJsonValue });
  }

  /** Ends the run (releasing the active key) and answers its report. */
  async finish(status: "completed" | "failed", message: string | null): Promise<SyncReport> {
    const data = {
      status,
      message,
      finishedAt: this.now(),
      activeKey: null,
      done: this.done,
      successful: this.successful,
      failed: this.failed,
      failures: this.failures as unknown as Prisma.InputJsonValue,
      counts: this.counts,
    };
    if (this.lost) {
      // Another run owns the key now: record what this one did without touching the key.
      const { activeKey: _key, ...rest } = data;
      await this.db.odooSyncRun.update({ where: { id: this.id }, data: rest });
    } else {
      await this.db.odooSyncRun.update({ where: { id: this.id }, data });
    }
    return reportOf(await this.db.odooSyncRun.findUniqueOrThrow({ where: { id: this.id } }));
  }

  private async write(extra: Prisma.OdooSyncRunUpdateManyMutationInput): Promise<boolean> {
    if (this.lost) return false;
    const { count } = await this.db.odooSyncRun.updateMany({
      where: { id: this.id, activeKey: this.activeKey },
      data: { ...extra, done: this.done, successful: this.successful, failed: this.failed, counts: this.counts, heartbeatAt: this.now() },
    });
    if (count === 0) this.lost = true;
    return !this.lost;
  }
}

/** The latest runs of one kind in a workspace, newest first (the first one may still be running). */
export async function recentRuns(db: Db, workspaceId: string, kind: SyncKind, take = 10): Promise<SyncReport[]> {
  const runs = await db.odooSyncRun.findMany({ where: { workspaceId, kind }, orderBy: { startedAt: "desc" }, take });
  return runs.map(reportOf);
}

export interface EndSyncOptions {
  workspaceId: string;
  /** The CRM connection the run used: its card shows "Last sync", its provider names the event. */
  connection: { connectionId: string; providerId: string };
  kind: SyncKind;
  status: "completed" | "failed";
  message: string | null;
  /** The figure shown on the Odoo card, when this kind of run sets it. */
  usage?: () => Promise<{ label: string; value: number }>;
}

/** Ends a run: its report, the card's "Last sync" (and usage figure), and a sync event. */
export async function endSync(db: Db, run: SyncRun, options: EndSyncOptions): Promise<SyncReport> {
  const report = await run.finish(options.status, options.message);
  const usage = options.usage ? await options.usage() : undefined;
  await db.connection.updateMany({
    where: { id: options.connection.connectionId, workspaceId: options.workspaceId },
    data: { lastSyncAt: new Date(), ...(usage ? { usageLabel: usage.label, usageValue: String(usage.value) } : {}) },
  });
  await emitEvent(db, {
    workspaceId: options.workspaceId,
    type: options.status === "completed" ? "sync.completed" : "sync.failed",
    data:
      options.status === "completed"
        ? {
            providerId: options.connection.providerId,
            connectionId: options.connection.connectionId,
            kind: options.kind,
            processed: report.processed,
            successful: report.successful,
            failed: report.failed,
            ...report.counts,
          }
        : { providerId: options.connection.providerId, connectionId: options.connection.connectionId, kind: options.kind, message: options.message },
  });
  return report;
}

/** Failures that say Odoo cannot take anything right now: the rest of the run would fail the same way. */
const STOP_CATEGORIES = new Set<ErrorCategory>(["transient", "rate_limit", "auth"]);

type ItemOutcome = Pick<Extract<CallResult<unknown>, { ok: false }>, "ok" | "category" | "message"> | { ok: true };

/** Records one item's outcome on the run; answers why the whole run must stop, or null to go on. */
export async function recordOutcome(run: SyncRun, outcome: ItemOutcome, item: { id: string; label: string }): Promise<string | null> {
  const stillOurs = outcome.ok ? await run.succeeded() : await run.failedItem({ ...item, reason: outcome.message, category: outcome.category });
  if (!stillOurs) return "Stopped: another run took over after this one stopped reporting progress";
  if (!outcome.ok && STOP_CATEGORIES.has(outcome.category)) return `Stopped early, the rest waits for the next run: ${outcome.message}`;
  return null;
}

export type EndRun = (status: "completed" | "failed", message: string | null) => Promise<SyncReport>;

/**
 * Starts a run, hands `body` the run and a function that ends it (report, card, event), and makes
 * sure an unexpected error still ends the run as failed rather than leaving it "running".
 */
export async function withSyncRun(
  db: Db,
  start: StartOptions & Pick<EndSyncOptions, "usage" | "connection">,
  body: (run: SyncRun, end: EndRun) => Promise<SyncReport>,
): Promise<SyncReport> {
  const run = await SyncRun.start(db, start);
  const end: EndRun = (status, message) =>
    endSync(db, run, { workspaceId: start.workspaceId, connection: start.connection, kind: start.kind, status, message, usage: start.usage });
  try {
    return await body(run, end);
  } catch (error) {
    await run.finish("failed", `Stopped by an internal error: ${(error as Error).message}`).catch(() => {});
    throw error;
  }
}
