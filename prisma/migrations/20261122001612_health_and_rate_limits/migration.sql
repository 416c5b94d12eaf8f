-- CreateEnum
CREATE TYPE "HealthStatus" AS ENUM ('healthy', 'unhealthy', 'no_activity');

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "language" TEXT NOT NULL DEFAULT 'en';

-- CreateTable
CREATE TABLE "HealthSnapshot" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "providerId" TEXT NOT NULL,
    "status" "HealthStatus" NOT NULL,
    "reasons" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "windowStart" TIMESTAMP(3) NOT NULL,
    "windowEnd" TIMESTAMP(3) NOT NULL,
    "calls" INTEGER NOT NULL,
    "failures" INTEGER NOT NULL,
    "shortCircuits" INTEGER NOT NULL,
    "errorRate" DOUBLE PRECISION,
    "avgLatencyMs" INTEGER,
    "p95LatencyMs" INTEGER,
    "consecutiveFailures" INTEGER NOT NULL,
    "circuitState" "CircuitState" NOT NULL,
    "tested" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HealthSnapshot_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HealthAlertState" (
    "connectionId" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "alertedStatus" "HealthStatus" NOT NULL,
    "alertedAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "HealthAlertState_pkey" PRIMARY KEY ("connectionId")
);

-- CreateTable
CREATE TABLE "RateLimitWindow" (
    "workspaceId" TEXT NOT NULL,
    "providerId" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "windowStart" TIMESTAMP(3) NOT NULL,
    "windowEnd" TIMESTAMP(3) NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "RateLimitWindow_pkey" PRIMARY KEY ("workspaceId","providerId","scope","windowStart")
);

-- CreateIndex
CREATE INDEX "HealthSnapshot_connectionId_createdAt_idx" ON "HealthSnapshot"("connectionId", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "HealthSnapshot_workspaceId_createdAt_idx" ON "HealthSnapshot"("workspaceId", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "RateLimitWindow_windowEnd_idx" ON "RateLimitWindow"("windowEnd");

-- AddForeignKey
ALTER TABLE "HealthSnapshot" ADD CONSTRAINT "HealthSnapshot_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HealthAlertState" ADD CONSTRAINT "HealthAlertState_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Rate-limit counters are short-lived and rebuilt by traffic: kept out of the WAL so that taking
-- a permit (on every provider call) does not wait for a disk flush. After a crash the current
-- windows start again from zero.
ALTER TABLE "RateLimitWindow" SET UNLOGGED;
