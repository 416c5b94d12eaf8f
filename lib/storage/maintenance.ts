// The storage-maintenance job: settles uploads nobody confirmed (a signed form whose browser went
// away, a process that died mid-upload) and records the SHA-256 of files that went straight from a
// browser to the bucket, reading them back as a stream.
import { createHash } from "node:crypto";
import type { Db } from "@/lib/db/client";
import { ApiError } from "@/lib/http/api";
import { confirmObject } from "@/lib/storage/direct";
import { openStorageOf, type OpenStorage } from "@/lib/storage/files";

const ACTOR = "system:storage-maintenance";
/** Files hashed per run; the rest wait for the next one. */
export const CHECKSUMS_PER_RUN = 20;
const CHECKSUM_TIMEOUT_MS = 15 * 60 * 1000;

export interface MaintenanceReport {
  pendingChecked: number;
  confirmed: number;
  abandoned: number;
  refused: number;
  checksummed: number;
  /** Files that could not be settled this run, and why (they are tried again next run). */
  problems: { fileId: string; message: string }[];
}

export async function maintainStorage(db: Db, now = new Date()): Promise<MaintenanceReport> {
  const report: MaintenanceReport = { pendingChecked: 0, confirmed: 0, abandoned: 0, refused: 0, checksummed: 0, problems: [] };
  const opened = new Map<string, Promise<OpenStorage>>();
  const storageFor = (workspaceId: string, connectionId: string) => {
    let storage = opened.get(connectionId);
    if (!storage) opened.set(connectionId, (storage = openStorageOf(workspaceId, ACTOR, connectionId, db)));
    return storage;
  };
  const problem = (fileId: string, error: unknown) => report.problems.push({ fileId, message: error instanceof ApiError ? error.message : "unexpected error (logged)" });

  const pending = await db.storedFile.findMany({ where: { status: "pending", expiresAt: { lt: now } }, orderBy: { expiresAt: "asc" }, take: 200 });
  for (const row of pending) {
    report.pendingChecked++;
    try {
      const confirmed = await confirmObject(db, await storageFor(row.workspaceId, row.connectionId), row);
      if (confirmed.outcome === "stored") report.confirmed++;
      else if (confirmed.outcome === "refused") report.refused++;
      else {
        await db.storedFile.delete({ where: { id: row.id } });
        report.abandoned++;
      }
    } catch (error) {
      problem(row.id, error);
    }
  }

  const unhashed = await db.storedFile.findMany({ where: { status: "stored", sha256: null }, orderBy: { createdAt: "asc" }, take: CHECKSUMS_PER_RUN });
  for (const row of unhashed) {
    try {
      const { connection, port } = await storageFor(row.workspaceId, row.connectionId);
      const sha256 = await connection.run(
        "objects.read",
        async (signal) => {
          const hash = createHash("sha256");
          for await (const chunk of await port.read(connection.credentials.fields, row.key, { signal, timeoutMs: CHECKSUM_TIMEOUT_MS })) hash.update(chunk as Buffer);
          return hash.digest("hex");
        },
        `${connection.providerName} could not read ${row.name} back`,
        { timeoutMs: CHECKSUM_TIMEOUT_MS, maxAttempts: 1 },
      );
      await db.storedFile.update({ where: { id: row.id }, data: { sha256 } });
      report.checksummed++;
    } catch (error) {
      problem(row.id, error);
    }
  }
  return report;
}
