-- DropIndex
DROP INDEX "Connection_workspaceId_providerId_key";

-- AlterTable
ALTER TABLE "Connection" ADD COLUMN     "accountId" TEXT;

-- Backfill: the account each live connection holds (the OAuth subject recorded at connect; the
-- account label for API keys). One row per (workspace, provider) before this migration, so the
-- new unique index cannot collide.
UPDATE "Connection" SET "accountId" = COALESCE("settings"->'oauth'->>'accountId', "accountLabel")
WHERE "status" <> 'disconnected';

-- CreateTable
CREATE TABLE "CapabilityDefault" (
    "workspaceId" TEXT NOT NULL,
    "slot" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CapabilityDefault_pkey" PRIMARY KEY ("workspaceId","slot")
);

-- CreateIndex
CREATE INDEX "CapabilityDefault_connectionId_idx" ON "CapabilityDefault"("connectionId");

-- CreateIndex
CREATE INDEX "Connection_workspaceId_providerId_idx" ON "Connection"("workspaceId", "providerId");

-- CreateIndex
CREATE UNIQUE INDEX "Connection_workspaceId_providerId_accountId_key" ON "Connection"("workspaceId", "providerId", "accountId");

-- AddForeignKey
ALTER TABLE "CapabilityDefault" ADD CONSTRAINT "CapabilityDefault_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CapabilityDefault" ADD CONSTRAINT "CapabilityDefault_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

