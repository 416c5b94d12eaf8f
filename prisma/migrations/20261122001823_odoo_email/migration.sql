-- CreateEnum
CREATE TYPE "SyncRunStatus" AS ENUM ('running', 'completed', 'failed');

-- CreateEnum
CREATE TYPE "ReminderStatus" AS ENUM ('sending', 'sent', 'failed');

-- AlterTable
ALTER TABLE "WebinarSession" ADD COLUMN     "odooSyncedAt" TIMESTAMP(3),
ADD COLUMN     "topicId" TEXT;

-- AlterTable
ALTER TABLE "Registration" ADD COLUMN     "confirmationSentAt" TIMESTAMP(3),
ADD COLUMN     "odooSyncedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "Lead" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "phone" TEXT,
    "company" TEXT,
    "website" TEXT,
    "source" TEXT,
    "whitepaperTitle" TEXT,
    "exportedAt" TIMESTAMP(3),
    "odooLeadId" INTEGER,
    "exportKey" TEXT,
    "exportRunId" TEXT,
    "exportAttempts" INTEGER NOT NULL DEFAULT 0,
    "lastExportAt" TIMESTAMP(3),
    "lastExportError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Lead_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebinarTopic" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT,
    "defaultPriceMinor" INTEGER,
    "currency" TEXT NOT NULL DEFAULT 'eur',
    "odooProductId" INTEGER,
    "odooSyncedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WebinarTopic_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OdooSyncRun" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "status" "SyncRunStatus" NOT NULL DEFAULT 'running',
    "activeKey" TEXT,
    "total" INTEGER NOT NULL DEFAULT 0,
    "done" INTEGER NOT NULL DEFAULT 0,
    "successful" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "failures" JSONB NOT NULL DEFAULT '[]',
    "counts" JSONB NOT NULL DEFAULT '{}',
    "message" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "heartbeatAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "OdooSyncRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebinarReminder" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "registrationId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" "ReminderStatus" NOT NULL DEFAULT 'sending',
    "attempts" INTEGER NOT NULL DEFAULT 1,
    "provider" TEXT,
    "messageId" TEXT,
    "error" TEXT,
    "mayHaveBeenSent" BOOLEAN NOT NULL DEFAULT false,
    "claimedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),

    CONSTRAINT "WebinarReminder_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Lead_exportKey_key" ON "Lead"("exportKey");

-- CreateIndex
CREATE INDEX "Lead_workspaceId_exportedAt_idx" ON "Lead"("workspaceId", "exportedAt");

-- CreateIndex
CREATE INDEX "Lead_workspaceId_createdAt_idx" ON "Lead"("workspaceId", "createdAt");

-- CreateIndex
CREATE INDEX "WebinarTopic_workspaceId_title_idx" ON "WebinarTopic"("workspaceId", "title");

-- CreateIndex
CREATE UNIQUE INDEX "WebinarTopic_workspaceId_odooProductId_key" ON "WebinarTopic"("workspaceId", "odooProductId");

-- CreateIndex
CREATE UNIQUE INDEX "OdooSyncRun_activeKey_key" ON "OdooSyncRun"("activeKey");

-- CreateIndex
CREATE INDEX "OdooSyncRun_workspaceId_kind_startedAt_idx" ON "OdooSyncRun"("workspaceId", "kind", "startedAt" DESC);

-- CreateIndex
CREATE INDEX "WebinarReminder_workspaceId_claimedAt_idx" ON "WebinarReminder"("workspaceId", "claimedAt");

-- CreateIndex
CREATE UNIQUE INDEX "WebinarReminder_registrationId_kind_key" ON "WebinarReminder"("registrationId", "kind");

-- AddForeignKey
ALTER TABLE "WebinarSession" ADD CONSTRAINT "WebinarSession_topicId_fkey" FOREIGN KEY ("topicId") REFERENCES "WebinarTopic"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Lead" ADD CONSTRAINT "Lead_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebinarTopic" ADD CONSTRAINT "WebinarTopic_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OdooSyncRun" ADD CONSTRAINT "OdooSyncRun_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebinarReminder" ADD CONSTRAINT "WebinarReminder_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebinarReminder" ADD CONSTRAINT "WebinarReminder_registrationId_fkey" FOREIGN KEY ("registrationId") REFERENCES "Registration"("id") ON DELETE CASCADE ON UPDATE CASCADE;

