-- CreateEnum
CREATE TYPE "StoredFileStatus" AS ENUM ('pending', 'stored');

-- CreateTable
CREATE TABLE "StoredFile" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "contentType" TEXT NOT NULL,
    "sha256" TEXT,
    "purpose" TEXT NOT NULL,
    "status" "StoredFileStatus" NOT NULL DEFAULT 'stored',
    "createdBy" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "StoredFile_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "StoredFile_workspaceId_status_createdAt_idx" ON "StoredFile"("workspaceId", "status", "createdAt");

-- CreateIndex
CREATE INDEX "StoredFile_workspaceId_purpose_createdAt_idx" ON "StoredFile"("workspaceId", "purpose", "createdAt");

-- CreateIndex
CREATE INDEX "StoredFile_status_expiresAt_idx" ON "StoredFile"("status", "expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "StoredFile_connectionId_key_key" ON "StoredFile"("connectionId", "key");

-- AddForeignKey
ALTER TABLE "StoredFile" ADD CONSTRAINT "StoredFile_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StoredFile" ADD CONSTRAINT "StoredFile_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

