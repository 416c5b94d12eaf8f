-- CreateEnum
CREATE TYPE "CalendarEventSource" AS ENUM ('booking', 'batch', 'sync');

-- CreateEnum
CREATE TYPE "CalendarBatchOperation" AS ENUM ('create', 'delete', 'move');

-- CreateEnum
CREATE TYPE "CalendarBatchStatus" AS ENUM ('queued', 'running', 'completed', 'failed');

-- CreateEnum
CREATE TYPE "CalendarBatchItemStatus" AS ENUM ('pending', 'succeeded', 'failed');

-- CreateTable
CREATE TABLE "CalendarEvent" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "providerId" TEXT NOT NULL,
    "calendarId" TEXT NOT NULL,
    "providerEventId" TEXT NOT NULL,
    "etag" TEXT,
    "localReference" TEXT,
    "source" "CalendarEventSource" NOT NULL,
    "batchJobId" TEXT,
    "summary" TEXT,
    "startsAt" TIMESTAMP(3),
    "endsAt" TIMESTAMP(3),
    "allDay" BOOLEAN NOT NULL DEFAULT false,
    "timeZone" TEXT,
    "status" TEXT NOT NULL DEFAULT 'confirmed',
    "meetingUrl" TEXT,
    "details" JSONB,
    "providerUpdatedAt" TIMESTAMP(3),
    "syncedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CalendarEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CalendarBatchJob" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "providerId" TEXT NOT NULL,
    "calendarId" TEXT NOT NULL,
    "targetConnectionId" TEXT,
    "targetProviderId" TEXT,
    "targetCalendarId" TEXT,
    "operation" "CalendarBatchOperation" NOT NULL,
    "status" "CalendarBatchStatus" NOT NULL DEFAULT 'queued',
    "total" INTEGER NOT NULL,
    "succeeded" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "requestCount" INTEGER NOT NULL DEFAULT 0,
    "actor" TEXT NOT NULL,
    "error" TEXT,
    "heartbeatAt" TIMESTAMP(3),
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CalendarBatchJob_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CalendarBatchItem" (
    "id" TEXT NOT NULL,
    "jobId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "status" "CalendarBatchItemStatus" NOT NULL DEFAULT 'pending',
    "input" JSONB NOT NULL,
    "reference" TEXT,
    "providerEventId" TEXT,
    "etag" TEXT,
    "statusCode" INTEGER,
    "errorCategory" "ErrorCategory",
    "error" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CalendarBatchItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CalendarSyncState" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "providerId" TEXT NOT NULL,
    "calendarId" TEXT NOT NULL,
    "cursor" TEXT,
    "windowStart" TIMESTAMP(3),
    "windowEnd" TIMESTAMP(3),
    "lockedAt" TIMESTAMP(3),
    "lastSyncAt" TIMESTAMP(3),
    "lastFullSyncAt" TIMESTAMP(3),
    "lastError" TEXT,
    "lastResult" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CalendarSyncState_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CalendarWorkingHours" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "calendarId" TEXT NOT NULL,
    "timeZone" TEXT,
    "dayStart" TEXT NOT NULL DEFAULT '09:00',
    "dayEnd" TEXT NOT NULL DEFAULT '17:00',
    "weekdays" INTEGER[] DEFAULT ARRAY[1, 2, 3, 4, 5]::INTEGER[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CalendarWorkingHours_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CalendarEvent_workspaceId_startsAt_idx" ON "CalendarEvent"("workspaceId", "startsAt");

-- CreateIndex
CREATE INDEX "CalendarEvent_workspaceId_localReference_idx" ON "CalendarEvent"("workspaceId", "localReference");

-- CreateIndex
CREATE INDEX "CalendarEvent_batchJobId_idx" ON "CalendarEvent"("batchJobId");

-- CreateIndex
CREATE UNIQUE INDEX "CalendarEvent_connectionId_calendarId_providerEventId_key" ON "CalendarEvent"("connectionId", "calendarId", "providerEventId");

-- CreateIndex
CREATE INDEX "CalendarBatchJob_workspaceId_createdAt_idx" ON "CalendarBatchJob"("workspaceId", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "CalendarBatchJob_status_heartbeatAt_idx" ON "CalendarBatchJob"("status", "heartbeatAt");

-- CreateIndex
CREATE INDEX "CalendarBatchItem_jobId_status_idx" ON "CalendarBatchItem"("jobId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "CalendarBatchItem_jobId_position_key" ON "CalendarBatchItem"("jobId", "position");

-- CreateIndex
CREATE INDEX "CalendarSyncState_workspaceId_idx" ON "CalendarSyncState"("workspaceId");

-- CreateIndex
CREATE UNIQUE INDEX "CalendarSyncState_connectionId_calendarId_key" ON "CalendarSyncState"("connectionId", "calendarId");

-- CreateIndex
CREATE INDEX "CalendarWorkingHours_workspaceId_idx" ON "CalendarWorkingHours"("workspaceId");

-- CreateIndex
CREATE UNIQUE INDEX "CalendarWorkingHours_connectionId_calendarId_key" ON "CalendarWorkingHours"("connectionId", "calendarId");

-- AddForeignKey
ALTER TABLE "CalendarEvent" ADD CONSTRAINT "CalendarEvent_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CalendarEvent" ADD CONSTRAINT "CalendarEvent_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CalendarBatchJob" ADD CONSTRAINT "CalendarBatchJob_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CalendarBatchJob" ADD CONSTRAINT "CalendarBatchJob_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CalendarBatchJob" ADD CONSTRAINT "CalendarBatchJob_targetConnectionId_fkey" FOREIGN KEY ("targetConnectionId") REFERENCES "Connection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CalendarBatchItem" ADD CONSTRAINT "CalendarBatchItem_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "CalendarBatchJob"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CalendarSyncState" ADD CONSTRAINT "CalendarSyncState_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CalendarSyncState" ADD CONSTRAINT "CalendarSyncState_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CalendarWorkingHours" ADD CONSTRAINT "CalendarWorkingHours_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CalendarWorkingHours" ADD CONSTRAINT "CalendarWorkingHours_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

